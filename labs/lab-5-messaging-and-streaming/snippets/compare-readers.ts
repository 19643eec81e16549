import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { kinesis, lambda, output, print } from '../../kit/index.ts';
import { meters, scanTable, type Tally } from '../tallies.ts';

/**
 * Lists the readers of the telemetry stream (its event source mappings, each with its own
 * settings and position), then what each of them made of the same records, unicorn by unicorn.
 */
export default async function compareReaders() {
  const streamName = await output('TelemetryStreamName');
  const { StreamDescriptionSummary } = await kinesis().send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const { EventSourceMappings = [] } = await lambda().send(
    new ListEventSourceMappingsCommand({ EventSourceArn: StreamDescriptionSummary!.StreamARN }),
  );
  print(`${EventSourceMappings.length} reader(s) of ${streamName}:`);
  for (const m of EventSourceMappings) {
    const destination = m.DestinationConfig?.OnFailure?.Destination?.split(':').pop() ?? 'none';
    print(
      `  ${m.FunctionArn!.split(':').pop()!.padEnd(34)} from ${m.StartingPosition}, batches of ${m.BatchSize}, bisect ${m.BisectBatchOnFunctionError ? 'on' : 'off'}, retries ${m.MaximumRetryAttempts}, on failure → ${destination} (${m.State})`,
    );
  }
  const outputs = { live: 'UnicornDistanceTableName', replay: 'UnicornDistanceReplayTableName', located: 'UnicornLocationsTableName' };
  const [live, replay, located] = await Promise.all([
    scanTable<Tally>(outputs.live),
    scanTable<Tally>(outputs.replay),
    scanTable<{ unicorn: string; lat: number; lng: number; seenAt: string }>(outputs.located),
  ]);
  const unicorns = [...new Set([...live, ...replay, ...located].map((row) => row.unicorn))]
    .filter((name) => !name.startsWith('probe-'))
    .sort();
  print('');
  print(`${'unicorn'.padEnd(12)}${'distance'.padStart(14)}${'replayed'.padStart(14)}  last seen (locator)`);
  for (const unicorn of unicorns) {
    const l = live.find((row) => row.unicorn === unicorn);
    const r = replay.find((row) => row.unicorn === unicorn);
    const seen = located.find((row) => row.unicorn === unicorn);
    const same = l && r && l.lastSequence === r.lastSequence && Math.abs(l.meters - r.meters) < 0.01;
    print(
      `${unicorn.padEnd(12)}${(l ? meters(l.meters) : '—').padStart(14)}${(r ? meters(r.meters) : '—').padStart(14)}${same ? ' =' : '  '} ${seen ? `${seen.lat.toFixed(4)}, ${seen.lng.toFixed(4)} at ${seen.seenAt.slice(11, 19)}` : '— (not since it started)'}`,
    );
  }
  if (unicorns.length === 0) print('No unicorn yet: run send-telemetry first.');
}
