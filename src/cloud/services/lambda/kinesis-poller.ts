import { randomUUID } from 'node:crypto';
import { type _Record, GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { ActivityStream } from '../../activity/stream.ts';
import { parseArn } from '../../aws/context.ts';
import type { Delivery } from '../../delivery/delivery.ts';
import type { EventSourceMapping } from './event-source-mappings.ts';
import { destinationPrincipal, type LambdaService } from './service.ts';

/** What a Kinesis mapping adds to a mapping: where to start, and what to do with failing batches. */
export interface StreamSettings {
  startingPosition: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  startingPositionTimestamp?: number;
  bisectBatchOnFunctionError: boolean;
  /** -1: retry until the record expires (AWS's default). */
  maximumRetryAttempts: number;
  /** -1: no limit beyond the stream's retention. */
  maximumRecordAgeInSeconds: number;
  onFailure?: string;
}

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Reads each shard of a stream in order and invokes the function with batches, as Lambda's
 * Kinesis event source does: a failing batch blocks its shard and is retried (split in halves
 * with BisectBatchOnFunctionError) until it succeeds, runs out of attempts or gets too old; then
 * it goes to the on-failure destination and the shard moves on.
 */
export class KinesisPoller {
  constructor(
    private readonly lambda: LambdaService,
    private readonly kinesis: (region: string) => KinesisClient,
    private readonly activity: ActivityStream,
    private readonly delivery: Delivery,
  ) {
    activity.subscribe((event) => {
      if (event.service === 'kinesis' && event.type === 'records-put') this.wake(event.resource);
    });
  }

  /** The shard readers idling on each stream (by ARN), woken when records are put on it. */
  private readonly idle = new Map<string, Set<() => void>>();
  /** How many puts each stream has had: a reader that read nothing but missed a put reads again at once. */
  private readonly puts = new Map<string, number>();

  private wake(streamArn: string): void {
    this.puts.set(streamArn, (this.puts.get(streamArn) ?? 0) + 1);
    const sleepers = this.idle.get(streamArn);
    this.idle.delete(streamArn);
    for (const resume of sleepers ?? []) resume();
  }

  /** Waits until records are put on the stream through the endpoint, or POLL_MS at most (records put otherwise). */
  private waitForRecords(streamArn: string, putsBeforeRead: number): Promise<void> {
    if ((this.puts.get(streamArn) ?? 0) !== putsBeforeRead) return Promise.resolve();
    return new Promise((resolve) => {
      let sleepers = this.idle.get(streamArn);
      if (!sleepers) this.idle.set(streamArn, (sleepers = new Set()));
      const resume = () => {
        clearTimeout(timer);
        sleepers.delete(resume);
        resolve();
      };
      const timer = setTimeout(resume, POLL_MS).unref();
      sleepers.add(resume);
    });
  }

  start(mapping: EventSourceMapping): () => void {
    let stopped = false;
    const source = parseArn(mapping.eventSourceArn)!;
    const client = this.kinesis(source.region);
    const streamName = source.resource.replace(/^stream\//, '');
    void (async () => {
      try {
        const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
        for (const shard of Shards) void this.readShard(mapping, client, streamName, shard.ShardId!, () => stopped);
      } catch (error) {
        this.activity.emit('lambda.event-source-mapping-error', mapping.eventSourceArn, {
          uuid: mapping.uuid,
          reason: (error as Error).message,
        });
      }
    })();
    return () => {
      stopped = true;
    };
  }

  private async iterator(
    client: KinesisClient,
    streamName: string,
    shardId: string,
    settings: StreamSettings,
    after?: string,
  ): Promise<string> {
    const input = after
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: after }
      : settings.startingPosition === 'AT_TIMESTAMP'
        ? { ShardIteratorType: 'AT_TIMESTAMP' as const, Timestamp: new Date(settings.startingPositionTimestamp! * 1000) }
        : { ShardIteratorType: settings.startingPosition };
    return (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ...input }))).ShardIterator!;
  }

  private async readShard(
    mapping: EventSourceMapping,
    client: KinesisClient,
    streamName: string,
    shardId: string,
    stopped: () => boolean,
  ): Promise<void> {
    const settings = mapping.stream!;
    let checkpoint: string | undefined;
    let iterator: string | undefined;
    let pending: _Record[] = [];
    let windowStart = 0;
    while (!stopped()) {
      try {
        iterator ??= await this.iterator(client, streamName, shardId, settings, checkpoint);
        const putsBeforeRead = this.puts.get(mapping.eventSourceArn) ?? 0;
        const page = await client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.max(1, mapping.batchSize - pending.length) }),
        );
        iterator = page.NextShardIterator;
        if ((page.Records ?? []).length > 0 && pending.length === 0) windowStart = Date.now();
        pending.push(...(page.Records ?? []));
        const windowOpen = Date.now() - windowStart < mapping.maximumBatchingWindowInSeconds * 1000;
        if (pending.length > 0 && (pending.length >= mapping.batchSize || !windowOpen)) {
          const batch = pending.slice(0, mapping.batchSize);
          pending = pending.slice(batch.length);
          await this.process(mapping, shardId, batch, stopped);
          checkpoint = batch.at(-1)!.SequenceNumber;
        }
        if (!iterator) return; // the shard was closed
        if ((page.Records ?? []).length === 0) await this.waitForRecords(mapping.eventSourceArn, putsBeforeRead);
      } catch (error) {
        if (stopped()) return;
        iterator = undefined;
        pending = [];
        this.activity.emit('lambda.event-source-mapping-error', mapping.eventSourceArn, {
          uuid: mapping.uuid,
          shardId,
          reason: (error as Error).message,
        });
        await sleep(1_000);
      }
    }
  }

  private eventOf(mapping: EventSourceMapping, shardId: string, records: _Record[]) {
    const source = parseArn(mapping.eventSourceArn)!;
    return {
      Records: records.map((r) => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: r.PartitionKey,
          sequenceNumber: r.SequenceNumber,
          data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
          approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${r.SequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: this.lambda.functions.get(mapping.functionArn.split(':').pop()!)?.role,
        awsRegion: source.region,
        eventSourceARN: mapping.eventSourceArn,
      })),
    };
  }

  /** Runs one batch to success or to its failure destination, retrying and bisecting as configured. */
  private async process(mapping: EventSourceMapping, shardId: string, batch: _Record[], stopped: () => boolean): Promise<void> {
    const settings = mapping.stream!;
    const queue: { records: _Record[]; attempts: number }[] = [{ records: batch, attempts: 0 }];
    while (queue.length > 0 && !stopped()) {
      const work = queue[0];
      const oldest = work.records[0].ApproximateArrivalTimestamp?.getTime() ?? Date.now();
      if (settings.maximumRecordAgeInSeconds >= 0 && Date.now() - oldest > settings.maximumRecordAgeInSeconds * 1000) {
        await this.fail(mapping, shardId, work.records, 'RecordAgeExceeded', work.attempts);
        queue.shift();
        continue;
      }
      const fn = this.lambda.functions.get(mapping.functionArn.split(':').pop()!);
      if (!fn) throw new Error(`function ${mapping.functionArn} no longer exists`);
      const report = await this.lambda.run(fn, this.eventOf(mapping, shardId, work.records), 'kinesis');
      work.attempts++;
      let failedFrom = report.error ? 0 : -1;
      if (!report.error && mapping.functionResponseTypes.includes('ReportBatchItemFailures')) {
        // AWS: processing resumes from the lowest sequence number reported as failed.
        const ids: string[] = ((report.result as any)?.batchItemFailures ?? []).map((i: any) => i?.itemIdentifier);
        const indexes = ids.map((id) => work.records.findIndex((r) => r.SequenceNumber === id)).filter((i) => i >= 0);
        failedFrom = indexes.length > 0 ? Math.min(...indexes) : ids.length > 0 ? 0 : -1;
      }
      if (failedFrom < 0) {
        queue.shift();
        continue;
      }
      const remaining = work.records.slice(failedFrom);
      const exhausted = settings.maximumRetryAttempts >= 0 && work.attempts > settings.maximumRetryAttempts;
      const canBisect = settings.bisectBatchOnFunctionError && report.error && remaining.length > 1;
      if (exhausted && !canBisect) {
        await this.fail(mapping, shardId, remaining, 'RetryAttemptsExhausted', work.attempts);
        queue.shift();
      } else if (settings.bisectBatchOnFunctionError && report.error && remaining.length > 1) {
        // Each half is a new batch with its own retries, so a poison record ends up alone.
        const half = Math.ceil(remaining.length / 2);
        queue.splice(0, 1, { records: remaining.slice(0, half), attempts: 0 }, { records: remaining.slice(half), attempts: 0 });
        this.activity.emit('lambda.batch-bisected', mapping.eventSourceArn, {
          uuid: mapping.uuid,
          shardId,
          sizes: [half, remaining.length - half],
        });
      } else {
        queue[0] = { records: remaining, attempts: work.attempts };
        // AWS documents no delay between retries of a batch: a short, growing pause keeps a
        // failing function from spinning while its retries still end in a fraction of a second.
        await sleep(Math.min(1_000, 20 * 2 ** work.attempts));
      }
    }
  }

  private async fail(mapping: EventSourceMapping, shardId: string, records: _Record[], condition: string, attempts: number): Promise<void> {
    const destination = mapping.stream!.onFailure;
    this.activity.emit(destination ? 'lambda.batch-to-destination' : 'lambda.batch-discarded', mapping.eventSourceArn, {
      uuid: mapping.uuid,
      shardId,
      condition,
      records: records.length,
    });
    if (!destination) return;
    await this.delivery.sendRecord(
      destination,
      {
        requestContext: { requestId: randomUUID(), functionArn: mapping.functionArn, condition, approximateInvokeCount: attempts },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: new Date().toISOString(),
        KinesisBatchInfo: {
          shardId,
          startSequenceNumber: records[0].SequenceNumber,
          endSequenceNumber: records.at(-1)!.SequenceNumber,
          approximateArrivalOfFirstRecord: records[0].ApproximateArrivalTimestamp?.toISOString(),
          approximateArrivalOfLastRecord: records.at(-1)!.ApproximateArrivalTimestamp?.toISOString(),
          batchSize: records.length,
          streamArn: mapping.eventSourceArn,
        },
      },
      destinationPrincipal({ arn: mapping.functionArn }),
    );
  }
}
