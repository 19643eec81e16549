import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { type Checkpoint, check, eventually, kinesis, output, probeDeadlineMs } from '../../kit/index.ts';
import { takeFailures } from '../failures.ts';
import { encodePing } from '../sample-telemetry.ts';
import type { Sighting } from '../tallies.ts';
import { enabledMapping, findResource, mappingsOf, named, queueAttributes } from './stack-resources.ts';
import { forgetUnicorn, probeWalk, putPings, putRecords, rowAt, sameMeters } from './telemetry-probes.ts';

const stream = () => findResource('AWS::Kinesis::Stream', named('UnicornTelemetry'), 'Kinesis stream');

/** The stream's readers: the stack output naming each function, and how the checkpoints call it. */
const READERS = {
  distance: ['UnicornDistanceServiceFunctionName', 'The Unicorn Distance Service'],
  locator: ['UnicornLocatorFunctionName', 'The Unicorn Locator'],
  replay: ['UnicornDistanceReplayFunctionName', 'The Unicorn Distance Replay'],
} as const;

/** The reader's event source mapping on the telemetry stream, or a failure. */
async function streamMapping(which: keyof typeof READERS): Promise<EventSourceMappingConfiguration> {
  const [functionOutput, reader] = READERS[which];
  return enabledMapping(functionOutput, `:stream/${await stream()}`, reader);
}

/** The settings the distance readers share: from the start, bisect, a bounded retry count, a destination. */
async function checkDistanceReading(which: 'distance' | 'replay'): Promise<string> {
  const mapping = await streamMapping(which);
  const reader = READERS[which][1];
  check(
    mapping.StartingPosition === 'TRIM_HORIZON',
    `${reader} starts at ${mapping.StartingPosition}: it must read every record the stream still holds (TRIM_HORIZON).`,
  );
  check(
    mapping.BisectBatchOnFunctionError === true,
    `${reader} does not bisect failing batches: one bad record would take the good records of its batch down with it.`,
  );
  const retries = mapping.MaximumRetryAttempts ?? -1;
  check(
    retries >= 0 && retries <= 5,
    `MaximumRetryAttempts is ${retries}${retries === -1 ? ' (retry until the record expires: a bad record would hold its shard up for 24 hours)' : ''}; use 0 to 5.`,
  );
  const failuresArn = (await queueAttributes(await output('TelemetryFailuresQueueUrl'))).QueueArn;
  check(
    mapping.DestinationConfig?.OnFailure?.Destination === failuresArn,
    `${reader}'s on-failure destination is ${mapping.DestinationConfig?.OnFailure?.Destination ?? 'not set'}, not the TelemetryFailures queue.`,
  );
  return `batches of ${mapping.BatchSize}, ${retries} retries, bisect, failures to TelemetryFailures`;
}

export const streamingCheckpoints: Checkpoint[] = [
  {
    id: 'telemetry-stream',
    step: 3,
    title: 'UnicornTelemetry is an active Kinesis data stream that keeps records 24 hours',
    hint: "In stack.ts, add `new kinesis.Stream(this, 'UnicornTelemetryStream', { streamName: `${props.prefix}-UnicornTelemetry`, shardCount: 2, retentionPeriod: Duration.hours(24), removalPolicy: RemovalPolicy.DESTROY, ... })`.",
    async run() {
      const { StreamDescriptionSummary: summary } = await kinesis().send(new DescribeStreamSummaryCommand({ StreamName: await stream() }));
      check(summary?.StreamStatus === 'ACTIVE', `The stream is ${summary?.StreamStatus}.`);
      check(
        summary.RetentionPeriodHours === 24,
        `The stream keeps records ${summary.RetentionPeriodHours} hours; this lab needs the default 24 (longer retention is billed extra).`,
      );
      return `${summary.OpenShardCount} shard(s), ${summary.RetentionPeriodHours} h`;
    },
  },
  {
    id: 'distance-mapping',
    step: 4,
    title:
      'The Unicorn Distance Service reads the stream from TRIM_HORIZON, bisects, retries twice and notes failures in TelemetryFailures',
    hint: 'In stack.ts, add `services.unicornDistance.addEventSource(new KinesisEventSource(telemetry, { startingPosition: lambda.StartingPosition.TRIM_HORIZON, batchSize: 100, bisectBatchOnError: true, retryAttempts: 2, onFailure: new SqsDlq(telemetryFailures) }))`.',
    async run() {
      return checkDistanceReading('distance');
    },
  },
  {
    id: 'distance-adds-up',
    // Each stream probe walks a unicorn of its own. A bad record holds up the records behind it on
    // its shard only while it is retried and bisected (a fraction of a second locally, within
    // every probe's deadline): the probes run beside each other.
    startEarly: true,
    step: 4,
    title: 'A unicorn’s pings add up to the distance it walked',
    hint: 'The Unicorn Distance Service must read the stream (its event source mapping) and write UnicornDistance. Run "send-telemetry" to see what it adds up.',
    async run() {
      await streamMapping('distance');
      const walk = probeWalk(5);
      try {
        const records = await putPings(walk.unicorn, walk.pings);
        const tally = await rowAt(
          'UnicornDistanceTableName',
          walk.unicorn,
          records.at(-1)!.SequenceNumber!,
          `The Unicorn Distance Service did not apply ${walk.unicorn}'s pings`,
        );
        check(tally.pings === 5, `UnicornDistance counts ${tally.pings} pings for ${walk.unicorn}; 5 were put.`);
        check(
          sameMeters(tally.meters, walk.meters),
          `UnicornDistance says ${tally.meters.toFixed(3)} m for ${walk.unicorn}; its pings add up to ${walk.meters.toFixed(3)} m.`,
        );
        return `${walk.meters.toFixed(1)} m over 5 pings`;
      } finally {
        await forgetUnicorn(walk.unicorn);
      }
    },
  },
  {
    id: 'bad-record-isolated',
    startEarly: true,
    step: 4,
    title: 'A bad record is bisected out, noted in TelemetryFailures, and the good records of its batch still count',
    hint: 'Give the mapping `bisectBatchOnError: true`, `retryAttempts: 2` and `onFailure: new SqsDlq(telemetryFailures)`. Run "send-bad-ping" to watch it.',
    async run() {
      const walk = probeWalk(4);
      const [a, b, c, d] = walk.pings;
      const bad = new TextEncoder().encode(`{"unicorn":"${walk.unicorn}","lat":"not a number"}`);
      const distanceArn = (await streamMapping('distance')).FunctionArn!;
      try {
        const records = await putRecords(walk.unicorn, [encodePing(a), encodePing(b), bad, encodePing(c), encodePing(d)]);
        const badSequence = records[2].SequenceNumber!;
        // Bisecting and retrying take several invocations in a row, with pauses between retries.
        const chain = { timeoutMs: probeDeadlineMs() * 2 };
        const notes = await eventually(
          'No note about the bad record reached TelemetryFailures',
          async () => {
            const found = await takeFailures(
              (r) => r.KinesisBatchInfo.startSequenceNumber === badSequence && r.requestContext.functionArn === distanceArn,
            );
            return found.length > 0 ? found : undefined;
          },
          chain,
        );
        // The replay (step 6) reads the same bad record and leaves its own note: take it too.
        const replayArn = (await mappingsOf(READERS.replay[0])).find(
          (m) => m.EventSourceArn === notes[0].KinesisBatchInfo.streamArn,
        )?.FunctionArn;
        if (replayArn) {
          await eventually(
            'The Unicorn Distance Replay left no note about the bad record',
            async () => {
              const found = await takeFailures(
                (r) => r.KinesisBatchInfo.startSequenceNumber === badSequence && r.requestContext.functionArn === replayArn,
              );
              return found.length > 0 ? true : undefined;
            },
            chain,
          );
        }
        check(
          notes[0].KinesisBatchInfo.batchSize === 1,
          `The note covers ${notes[0].KinesisBatchInfo.batchSize} records: the good records of the batch were set aside with the bad one (bisect is off?).`,
        );
        const tally = await rowAt(
          'UnicornDistanceTableName',
          walk.unicorn,
          records.at(-1)!.SequenceNumber!,
          `The Unicorn Distance Service did not get past the bad record of ${walk.unicorn}`,
        );
        check(
          tally.pings === 4 && sameMeters(tally.meters, walk.meters),
          `UnicornDistance has ${tally.pings} pings and ${tally.meters.toFixed(3)} m for ${walk.unicorn}; the 4 good pings add up to ${walk.meters.toFixed(3)} m.`,
        );
        return `1 record set aside after ${notes[0].requestContext.approximateInvokeCount} invocations; 4 counted`;
      } finally {
        await forgetUnicorn(walk.unicorn);
      }
    },
  },
  {
    id: 'locator-mapping',
    step: 5,
    title: 'The Unicorn Locator reads the same stream through a mapping of its own, from LATEST',
    hint: 'In stack.ts, add `services.unicornLocator.addEventSource(new KinesisEventSource(telemetry, { startingPosition: lambda.StartingPosition.LATEST, batchSize: 10, retryAttempts: 2, onFailure: new SqsDlq(telemetryFailures) }))`.',
    async run() {
      const mapping = await streamMapping('locator');
      check(
        mapping.StartingPosition === 'LATEST',
        `The Unicorn Locator starts at ${mapping.StartingPosition}: a map needs only what happens from now on (LATEST).`,
      );
      check(
        mapping.DestinationConfig?.OnFailure?.Destination,
        'The Unicorn Locator has no on-failure destination: records it gives up on would vanish without a note.',
      );
      return `batches of ${mapping.BatchSize}`;
    },
  },
  {
    id: 'independent-readers',
    startEarly: true,
    step: 5,
    title: 'The same pings reach both readers: the distance table and the locator',
    hint: 'Both functions need their own event source mapping on the stream. Run "compare-readers" to see what each made of the records.',
    async run() {
      await streamMapping('distance');
      await streamMapping('locator');
      const walk = probeWalk(3);
      try {
        const records = await putPings(walk.unicorn, walk.pings);
        const last = records.at(-1)!.SequenceNumber!;
        const tally = await rowAt(
          'UnicornDistanceTableName',
          walk.unicorn,
          last,
          `The Unicorn Distance Service did not apply ${walk.unicorn}'s pings`,
        );
        const seen = await rowAt<Sighting>(
          'UnicornLocationsTableName',
          walk.unicorn,
          last,
          `The Unicorn Locator did not see ${walk.unicorn}'s last ping`,
        );
        const end = walk.pings.at(-1)!;
        check(
          seen.lat === end.lat && seen.lng === end.lng,
          `The locator has ${walk.unicorn} at ${seen.lat}, ${seen.lng}; its last ping was at ${end.lat}, ${end.lng}.`,
        );
        return `3 pings: ${tally.meters.toFixed(1)} m walked, last seen at ${end.lat}, ${end.lng}`;
      } finally {
        await forgetUnicorn(walk.unicorn);
      }
    },
  },
  {
    id: 'replay-mapping',
    step: 6,
    title: 'The Unicorn Distance Replay reads the stream from TRIM_HORIZON with the same settings',
    hint: 'In stack.ts, add `services.unicornDistanceReplay.addEventSource(new KinesisEventSource(telemetry, distanceReading))`.',
    async run() {
      return checkDistanceReading('replay');
    },
  },
  {
    id: 'replay-reproduces',
    startEarly: true,
    step: 6,
    title: 'The replay arrives at the same distance as the live reader',
    hint: 'The replay must read the same stream with the same settings into its own table (UnicornDistanceReplay). Run "compare-readers" to compare the two tables.',
    async run() {
      await streamMapping('replay');
      const walk = probeWalk(5);
      try {
        const records = await putPings(walk.unicorn, walk.pings);
        const last = records.at(-1)!.SequenceNumber!;
        const live = await rowAt(
          'UnicornDistanceTableName',
          walk.unicorn,
          last,
          `The Unicorn Distance Service did not apply ${walk.unicorn}'s pings`,
        );
        const replay = await rowAt(
          'UnicornDistanceReplayTableName',
          walk.unicorn,
          last,
          `The Unicorn Distance Replay did not reach ${walk.unicorn}'s pings`,
        );
        check(
          replay.pings === live.pings && sameMeters(replay.meters, live.meters),
          `The replay has ${replay.pings} pings and ${replay.meters.toFixed(3)} m for ${walk.unicorn}; the live table ${live.pings} and ${live.meters.toFixed(3)} m.`,
        );
        return `both ${live.meters.toFixed(1)} m`;
      } finally {
        await forgetUnicorn(walk.unicorn);
      }
    },
  },
];
