import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { kinesis, lambda, optionalOutput, output, print, sns, sqs } from '../../kit/index.ts';
import type { RideLedger } from '../ledger.ts';
import { scanTable, type Tally } from '../tallies.ts';

/** Messages waiting in a queue (visible and in flight). */
async function depth(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Prints a two-column table, wrapping nothing: each cell is one short line. */
function table(rows: [string, string, string][]): void {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join(' │ ');
  print(line(rows[0]));
  print(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const row of rows.slice(1)) print(line(row));
}

/**
 * The comparison of the two halves of the lab, filled with what you measured in it: the ride
 * ledger (order, duplicates, the poisoned ride), the telemetry tables (replay), and the topic,
 * queues, stream and readers as they are now. Probe data of the checkpoints is left out.
 */
export default async function sideBySide() {
  const rides = (await scanTable<RideLedger>('RideLedgerTableName')).filter((ride) => !ride.rideId.startsWith('probe-'));
  const applied = rides.map((ride) => (ride.deliveries ?? []).filter((d) => d.outcome === 'applied'));
  const inOrder = applied.filter((events) => events.every((d, i) => i === 0 || d.seq! > events[i - 1].seq!)).length;
  const deliveries = rides.reduce((n, ride) => n + (ride.deliveries ?? []).filter((d) => d.outcome !== 'failed').length, 0);
  const eventIds = rides.flatMap((ride) => (ride.deliveries ?? []).filter((d) => d.eventId).map((d) => d.eventId!));
  const duplicates = eventIds.length - new Set(eventIds).size;
  const blocked = rides.filter((ride) => (ride.deliveries ?? []).some((d) => d.outcome === 'failed')).length;
  const deadLetters = await depth(await output('RideLedgerDLQUrl'));
  const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: await output('RideEventsTopicArn') }));
  const { Attributes: ledgerQueue = {} } = await sqs().send(
    new GetQueueAttributesCommand({ QueueUrl: await output('RideLedgerQueueUrl'), AttributeNames: ['MessageRetentionPeriod'] }),
  );
  const keptDays = Number(ledgerQueue.MessageRetentionPeriod) / 86_400;

  const streamName = await optionalOutput('TelemetryStreamName');
  let stream = { shards: 0, hours: 0, readers: 0, replayed: 'no replay yet (step 6)', notes: 0 };
  if (streamName) {
    const { StreamDescriptionSummary: summary } = await kinesis().send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const { EventSourceMappings = [] } = await lambda().send(new ListEventSourceMappingsCommand({ EventSourceArn: summary!.StreamARN }));
    const live = (await scanTable<Tally>('UnicornDistanceTableName')).filter((t) => !t.unicorn.startsWith('probe-'));
    const replay = (await scanTable<Tally>('UnicornDistanceReplayTableName')).filter((t) => !t.unicorn.startsWith('probe-'));
    const same = live.filter((l) =>
      replay.some((r) => r.unicorn === l.unicorn && r.lastSequence === l.lastSequence && Math.abs(r.meters - l.meters) < 0.01),
    ).length;
    stream = {
      shards: summary!.OpenShardCount ?? 0,
      hours: summary!.RetentionPeriodHours ?? 0,
      readers: EventSourceMappings.length,
      replayed: replay.length > 0 ? `replay = live for ${same}/${live.length} unicorns` : 'no replay yet (step 6)',
      notes: (await optionalOutput('TelemetryFailuresQueueUrl')) ? await depth(await output('TelemetryFailuresQueueUrl')) : 0,
    };
  }

  print("Measured in this lab (your runs; the checkpoints' probes left out):");
  print('');
  table([
    ['', 'SNS FIFO → SQS FIFO (ride events)', 'Kinesis Data Streams (telemetry)'],
    ['Order', `per message group: ${inOrder}/${rides.length} rides in order`, 'per partition key, within its shard'],
    ['Duplicates', `${duplicates} delivered twice in ${deliveries} deliveries`, 'possible on retry: the table skips seen sequence numbers'],
    ['Acknowledged', 'per message: the consumer deletes it', 'per shard: a reader moves its position past a batch'],
    [
      'Readers',
      `${Subscriptions.length} queues subscribed, each its own copy and consumer`,
      `${stream.readers} event source mapping(s), each its own position`,
    ],
    ['Filtering', 'per subscription: receipts get dropped-off only', 'none in the stream: every reader reads every record'],
    [
      'Kept',
      `until deleted, at most ${keptDays} days (up to 14)`,
      streamName ? `${stream.hours} h whether read or not (up to 365 days)` : 'no stream yet (step 3)',
    ],
    ['Replay', 'no: a deleted message is gone (a DLQ can be redriven)', stream.replayed],
    [
      'A bad message',
      `blocks its own group until the DLQ: ${blocked} ride(s) waited, ${deadLetters} in the DLQ`,
      `blocks its shard until set aside: ${stream.notes} note(s) in TelemetryFailures`,
    ],
    [
      'Billed',
      'per request',
      streamName ? `per shard-hour even when idle (${stream.shards} shards) + per PUT payload unit` : 'per shard-hour, even idle',
    ],
  ]);
}
