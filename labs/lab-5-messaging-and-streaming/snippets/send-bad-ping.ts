import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { eventually, kinesis, lambda, output, print, probeDeadlineMs } from '../../kit/index.ts';
import { takeFailures } from '../failures.ts';
import { encodePing, route, UNICORNS } from '../sample-telemetry.ts';
import { meters, readTally } from '../tallies.ts';

/**
 * Puts five records for Rocinante in one call, the middle one not a ping. Shows the event source
 * mapping splitting the failing batch until the bad record is alone (bisect), retrying it, and
 * leaving a note in the on-failure destination, while the four good pings are counted.
 */
export default async function sendBadPing() {
  const streamName = await output('TelemetryStreamName');
  const unicorn = UNICORNS[1];
  const before = await readTally('UnicornDistanceTableName', unicorn.name);
  const [a, b, c, d] = route(unicorn.name, before ? { lat: before.lastLat + 0.001, lng: before.lastLng + 0.0015 } : unicorn, 4);
  const bad = new TextEncoder().encode(`{"unicorn":"${unicorn.name}","lat":"somewhere north"}`);
  const { Records = [] } = await kinesis().send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: [encodePing(a), encodePing(b), bad, encodePing(c), encodePing(d)].map((Data) => ({ PartitionKey: unicorn.name, Data })),
    }),
  );
  const badRecord = Records[2];
  print(
    `Put 5 records for ${unicorn.name} on ${badRecord.ShardId}; the 3rd (sequence number …${badRecord.SequenceNumber!.slice(-8)}) is not a ping.`,
  );
  const { EventSourceMappings = [] } = await lambda().send(
    new ListEventSourceMappingsCommand({ FunctionName: await output('UnicornDistanceServiceFunctionName') }),
  );
  if (EventSourceMappings.length === 0) {
    print('Nobody reads the stream yet (step 4): the bad record waits there with the good ones.');
    return;
  }

  const failures = await eventually(
    'No note about the bad record reached TelemetryFailures (does the mapping have an on-failure destination, and bisect?)',
    async () => {
      const found = await takeFailures((r) => r.KinesisBatchInfo.startSequenceNumber === badRecord.SequenceNumber);
      return found.length > 0 ? found : undefined;
    },
    { timeoutMs: probeDeadlineMs() * 2 }, // bisecting and retrying take several invocations in a row
  );
  for (const failure of failures) {
    const { requestContext, KinesisBatchInfo } = failure;
    print('');
    print(`A note in TelemetryFailures from ${requestContext.functionArn.split(':').pop()}:`);
    print(`  condition ${requestContext.condition} after ${requestContext.approximateInvokeCount} invocations`);
    print(
      `  ${KinesisBatchInfo.batchSize} record(s), ${KinesisBatchInfo.shardId}, sequence numbers …${KinesisBatchInfo.startSequenceNumber.slice(-8)} to …${KinesisBatchInfo.endSequenceNumber.slice(-8)}`,
    );
    print(
      KinesisBatchInfo.batchSize === 1
        ? '  One record: bisecting the batch isolated the bad record, and only it was set aside.'
        : "  More than one record: without bisect, good records shared the bad one's fate.",
    );
  }

  // The note says where the record is; the stream still has it, for as long as it keeps records.
  const { ShardIterator } = await kinesis().send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: badRecord.ShardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      StartingSequenceNumber: badRecord.SequenceNumber,
    }),
  );
  const { Records: [record] = [] } = await kinesis().send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
  print('');
  print(`Read back from the stream at that sequence number: ${new TextDecoder().decode(record.Data)}`);

  const tally = await eventually(`The Unicorn Distance Service did not get past the bad record of ${unicorn.name}`, async () => {
    const found = await readTally('UnicornDistanceTableName', unicorn.name);
    return found?.lastSequence === Records[4].SequenceNumber ? found : undefined;
  });
  print(
    `${unicorn.name}: the shard moved on past the bad record, and the good pings around it count (${tally.pings} pings, ${meters(tally.meters)} in all).`,
  );
}
