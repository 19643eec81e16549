import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { kinesis, output, print } from '../../kit/index.ts';
import { parsePing } from '../functions/telemetry.ts';

/**
 * Reads the whole stream from its oldest record (TRIM_HORIZON), shard by shard, with nothing but
 * the Kinesis API: a reader of its own, which takes nothing away from the others. Shows what each
 * shard holds: every unicorn's pings in one shard, in the order they were put.
 */
export default async function readTheStream() {
  const streamName = await output('TelemetryStreamName');
  const { StreamDescriptionSummary: summary } = await kinesis().send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  print(
    `${streamName}: ${summary?.OpenShardCount} shards, keeps records ${summary?.RetentionPeriodHours} hours, ${summary?.ConsumerCount ?? 0} registered enhanced fan-out consumers.`,
  );
  const { Shards = [] } = await kinesis().send(new ListShardsCommand({ StreamName: streamName }));
  for (const shard of Shards) {
    let { ShardIterator } = await kinesis().send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const byUnicorn = new Map<string, { first: string; last: string; count: number }>();
    let total = 0;
    let malformed = 0;
    let probes = 0;
    // A shard iterator reads forward; MillisBehindLatest 0 means this reader has caught up.
    while (ShardIterator) {
      const page = await kinesis().send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
      for (const record of page.Records ?? []) {
        total++;
        const ping = parsePing(new TextDecoder().decode(record.Data));
        if (typeof ping === 'string') malformed++;
        else if (ping.unicorn.startsWith('probe-')) probes++;
        else {
          const seen = byUnicorn.get(ping.unicorn);
          byUnicorn.set(ping.unicorn, {
            first: seen?.first ?? record.SequenceNumber!,
            last: record.SequenceNumber!,
            count: (seen?.count ?? 0) + 1,
          });
        }
      }
      ShardIterator = page.MillisBehindLatest === 0 && (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
    }
    print('');
    print(
      `${shard.ShardId}: ${total} records${malformed ? `, ${malformed} not pings` : ''}${probes ? `, ${probes} from the checkpoints' probes` : ''}`,
    );
    for (const [unicorn, { first, last, count }] of byUnicorn) {
      print(`  ${unicorn.padEnd(11)} ${String(count).padStart(4)} pings, sequence numbers …${first.slice(-8)} to …${last.slice(-8)}`);
    }
  }
}
