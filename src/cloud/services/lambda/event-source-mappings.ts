import { randomUUID } from 'node:crypto';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ActivityStream } from '../../activity/stream.ts';
import { parseArn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { RestRoute } from '../../aws/http.ts';
import type { Delivery } from '../../delivery/delivery.ts';
import { matchesAnyFilter } from '../../shared/filter/index.ts';
import { KinesisPoller, type StreamSettings } from './kinesis-poller.ts';
import type { LambdaService } from './service.ts';
import { gatherBatch } from './sqs-batch.ts';

// LIMITATIONS: SQS queues (standard and FIFO) and Kinesis streams (ParallelizationFactor 1,
// shards as listed when the mapping starts, no tumbling windows); DynamoDB streams are refused
// by name. SQS batches are gathered with long polls of one second.

export interface EventSourceMapping {
  uuid: string;
  eventSourceArn: string;
  functionArn: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  functionResponseTypes: string[];
  filters: string[];
  maximumConcurrency?: number;
  enabled: boolean;
  /** Kinesis sources only. */
  stream?: StreamSettings;
  state: 'Enabled' | 'Disabled' | 'Disabling' | 'Creating' | 'Deleting';
  lastModified: Date;
  /** Tags (set through CloudFormation), which the Resource Groups Tagging API lists. */
  tags?: Record<string, string>;
}

const invalid = (message: string) => new AwsError('InvalidParameterValueException', message);
const notFound = (uuid: string) =>
  new AwsError(
    'ResourceNotFoundException',
    `The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${uuid})`,
    404,
  );

/**
 * Lambda's event source mappings for SQS: pollers that receive batches, invoke the function
 * synchronously, delete what succeeded and leave the rest to come back after the visibility
 * timeout (and reach the queue's DLQ after maxReceiveCount), as AWS does.
 */
export class EventSourceMappings {
  readonly mappings = new Map<string, EventSourceMapping>();
  /**
   * What stops each enabled mapping's pollers, by UUID: live, never saved. The pollers finish the
   * batch in hand (the mapping reads Disabling meanwhile), unless `now` (deleted, or the cloud is
   * shutting down); the promise settles when they are gone.
   */
  private readonly pollers = new Map<string, (now?: boolean) => Promise<void>>();

  private readonly kinesisPoller?: KinesisPoller;

  constructor(
    private readonly lambda: LambdaService,
    private readonly sqs: (region: string) => SQSClient,
    private readonly activity: ActivityStream,
    streams?: { kinesis: (region: string) => KinesisClient; delivery: Delivery },
  ) {
    if (streams) this.kinesisPoller = new KinesisPoller(lambda, streams.kinesis, activity, streams.delivery);
  }

  readonly routes: RestRoute[] = [
    {
      method: 'POST',
      path: '/2015-03-31/event-source-mappings',
      action: 'CreateEventSourceMapping',
      handler: (r, c) => ({ status: 202, body: this.describe(this.create(r.json, c)) }),
    },
    {
      method: 'GET',
      path: '/2015-03-31/event-source-mappings',
      action: 'ListEventSourceMappings',
      handler: (r) => ({
        body: {
          EventSourceMappings: [...this.mappings.values()]
            .filter((m) => !r.query.get('EventSourceArn') || m.eventSourceArn === r.query.get('EventSourceArn'))
            .filter(
              (m) =>
                !r.query.get('FunctionName') ||
                m.functionArn.endsWith(`:function:${r.query.get('FunctionName')}`) ||
                m.functionArn === r.query.get('FunctionName'),
            )
            .map((m) => this.describe(m)),
        },
      }),
    },
    {
      method: 'GET',
      path: '/2015-03-31/event-source-mappings/{UUID}',
      action: 'GetEventSourceMapping',
      handler: (r) => ({ body: this.describe(this.get(r.params.UUID)) }),
    },
    {
      method: 'PUT',
      path: '/2015-03-31/event-source-mappings/{UUID}',
      action: 'UpdateEventSourceMapping',
      handler: (r, c) => ({ status: 202, body: this.describe(this.update(this.get(r.params.UUID), r.json, c)) }),
    },
    {
      method: 'DELETE',
      path: '/2015-03-31/event-source-mappings/{UUID}',
      action: 'DeleteEventSourceMapping',
      handler: (r) => ({ status: 202, body: this.describe(this.delete(r.params.UUID)) }),
    },
  ];

  get(uuid: string): EventSourceMapping {
    const mapping = this.mappings.get(uuid);
    if (!mapping) throw notFound(uuid);
    return mapping;
  }

  create(input: any, context: RequestContext): EventSourceMapping {
    const source = parseArn(String(input.EventSourceArn ?? ''));
    if (!source) throw invalid('EventSourceArn is required.');
    const kinesis = source.service === 'kinesis' && Boolean(this.kinesisPoller);
    if (source.service !== 'sqs' && !kinesis)
      throw invalid(
        `The local cloud maps SQS queues and Kinesis streams to functions; event source ${input.EventSourceArn} (${source.service}) is not supported.`,
      );
    const fn = this.lambda.fn(String(input.FunctionName ?? ''), context);
    const fifo = source.resource.endsWith('.fifo');
    if (kinesis && !['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'].includes(input.StartingPosition))
      throw invalid('StartingPosition must be TRIM_HORIZON, LATEST or AT_TIMESTAMP for a Kinesis stream.');
    const mapping: EventSourceMapping = {
      uuid: randomUUID(),
      eventSourceArn: input.EventSourceArn,
      functionArn: fn.arn,
      batchSize: kinesis ? 100 : 10,
      maximumBatchingWindowInSeconds: 0,
      functionResponseTypes: [],
      filters: [],
      enabled: input.Enabled !== false,
      stream: kinesis
        ? {
            startingPosition: input.StartingPosition,
            startingPositionTimestamp:
              input.StartingPositionTimestamp === undefined
                ? undefined
                : Number(
                    input.StartingPositionTimestamp instanceof Date
                      ? input.StartingPositionTimestamp.getTime() / 1000
                      : input.StartingPositionTimestamp,
                  ),
            bisectBatchOnFunctionError: false,
            maximumRetryAttempts: -1,
            maximumRecordAgeInSeconds: -1,
          }
        : undefined,
      state: 'Creating',
      lastModified: new Date(),
    };
    this.configure(mapping, input, fifo);
    this.mappings.set(mapping.uuid, mapping);
    this.apply(mapping);
    this.activity.emit('lambda.event-source-mapping-created', fn.arn, { uuid: mapping.uuid, eventSourceArn: mapping.eventSourceArn });
    return mapping;
  }

  update(mapping: EventSourceMapping, input: any, context: RequestContext): EventSourceMapping {
    if (input.FunctionName) mapping.functionArn = this.lambda.fn(String(input.FunctionName), context).arn;
    this.configure(mapping, input, mapping.eventSourceArn.endsWith('.fifo'));
    if (input.Enabled !== undefined) mapping.enabled = Boolean(input.Enabled);
    mapping.lastModified = new Date();
    this.apply(mapping);
    return mapping;
  }

  delete(uuid: string): EventSourceMapping {
    const mapping = this.get(uuid);
    void this.remove(uuid);
    return mapping;
  }

  /**
   * Deletes a mapping and resolves once its pollers are gone: their receives are cut short and
   * the batches they were delivering are delivered. CloudFormation waits for it, so that no
   * invocation of the mapping outlives the function (and writes to a log group deleted with it).
   */
  async remove(uuid: string): Promise<void> {
    const mapping = this.get(uuid);
    const stopping = this.stopPolling(mapping, true);
    mapping.state = 'Deleting';
    this.mappings.delete(uuid);
    await stopping;
  }

  /** Starts the pollers of restored mappings. */
  resume(): void {
    for (const mapping of this.mappings.values()) this.apply(mapping);
  }

  /** Stops every poller (the cloud is shutting down). */
  shutdown(): void {
    for (const stop of this.pollers.values()) void stop(true);
    this.pollers.clear();
  }

  private stopPolling(mapping: EventSourceMapping, now = false): Promise<void> | undefined {
    const stopping = this.pollers.get(mapping.uuid)?.(now);
    this.pollers.delete(mapping.uuid);
    return stopping;
  }

  private configure(mapping: EventSourceMapping, input: any, fifo: boolean): void {
    if (mapping.stream) {
      this.configureStream(mapping.stream, input);
      if (input.BatchSize !== undefined && (!Number.isInteger(input.BatchSize) || input.BatchSize < 1 || input.BatchSize > 10_000))
        throw invalid('BatchSize must be between 1 and 10000.');
      if (input.BatchSize !== undefined) mapping.batchSize = input.BatchSize;
      if (input.MaximumBatchingWindowInSeconds !== undefined) {
        if (input.MaximumBatchingWindowInSeconds < 0 || input.MaximumBatchingWindowInSeconds > 300)
          throw invalid('MaximumBatchingWindowInSeconds must be between 0 and 300.');
        mapping.maximumBatchingWindowInSeconds = input.MaximumBatchingWindowInSeconds;
      }
      if (input.FunctionResponseTypes !== undefined) mapping.functionResponseTypes = input.FunctionResponseTypes;
      return;
    }
    if (input.BatchSize !== undefined) {
      const max = fifo ? 10 : 10_000;
      if (!Number.isInteger(input.BatchSize) || input.BatchSize < 1 || input.BatchSize > max)
        throw invalid(`BatchSize must be between 1 and ${max} for this queue.`);
      mapping.batchSize = input.BatchSize;
    }
    if (input.MaximumBatchingWindowInSeconds !== undefined) {
      if (fifo && input.MaximumBatchingWindowInSeconds > 0) throw invalid('Batching window is not supported for FIFO queues.');
      if (input.MaximumBatchingWindowInSeconds < 0 || input.MaximumBatchingWindowInSeconds > 300)
        throw invalid('MaximumBatchingWindowInSeconds must be between 0 and 300.');
      mapping.maximumBatchingWindowInSeconds = input.MaximumBatchingWindowInSeconds;
    }
    // AWS: a batch size above 10 needs a batching window of at least one second.
    if (mapping.batchSize > 10 && mapping.maximumBatchingWindowInSeconds < 1)
      throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
    if (input.FunctionResponseTypes !== undefined) {
      for (const type of input.FunctionResponseTypes)
        if (type !== 'ReportBatchItemFailures') throw invalid(`Unknown FunctionResponseType ${type}`);
      mapping.functionResponseTypes = input.FunctionResponseTypes;
    }
    if (input.FilterCriteria !== undefined) {
      mapping.filters = (input.FilterCriteria?.Filters ?? []).map((f: { Pattern: string }) => f.Pattern);
      try {
        matchesAnyFilter(mapping.filters, {});
      } catch (error) {
        throw invalid(`Invalid filter pattern definition: ${(error as Error).message}`);
      }
    }
    if (input.ScalingConfig !== undefined) {
      const max = input.ScalingConfig?.MaximumConcurrency;
      if (max !== undefined && (!Number.isInteger(max) || max < 2 || max > 1000))
        throw invalid('MaximumConcurrency must be between 2 and 1000.');
      mapping.maximumConcurrency = max;
    }
    for (const unsupported of [
      'StartingPosition',
      'ParallelizationFactor',
      'BisectBatchOnFunctionError',
      'DestinationConfig',
      'TumblingWindowInSeconds',
    ]) {
      if (input[unsupported] !== undefined)
        throw invalid(`${unsupported} applies to stream event sources, which the local cloud does not map yet.`);
    }
  }

  private configureStream(stream: StreamSettings, input: any): void {
    if (input.ParallelizationFactor !== undefined && input.ParallelizationFactor !== 1)
      throw invalid('The local cloud reads each shard with one poller: ParallelizationFactor must be 1.');
    if (input.TumblingWindowInSeconds !== undefined)
      throw invalid('The local cloud does not aggregate tumbling windows: TumblingWindowInSeconds is not supported.');
    if (input.FilterCriteria?.Filters?.length)
      throw invalid('The local cloud filters SQS sources only; FilterCriteria on a Kinesis source is not supported.');
    if (input.BisectBatchOnFunctionError !== undefined) stream.bisectBatchOnFunctionError = Boolean(input.BisectBatchOnFunctionError);
    if (input.MaximumRetryAttempts !== undefined) {
      if (!Number.isInteger(input.MaximumRetryAttempts) || input.MaximumRetryAttempts < -1 || input.MaximumRetryAttempts > 10_000)
        throw invalid('MaximumRetryAttempts must be between -1 and 10000.');
      stream.maximumRetryAttempts = input.MaximumRetryAttempts;
    }
    if (input.MaximumRecordAgeInSeconds !== undefined) {
      const age = input.MaximumRecordAgeInSeconds;
      if (age !== -1 && (!Number.isInteger(age) || age < 60 || age > 604_800))
        throw invalid('MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.');
      stream.maximumRecordAgeInSeconds = age;
    }
    const onFailure: string | undefined = input.DestinationConfig?.OnFailure?.Destination;
    if (input.DestinationConfig !== undefined) {
      if (onFailure && !['sqs', 'sns'].includes(parseArn(onFailure)?.service ?? ''))
        throw invalid('The on-failure destination of a stream must be an SQS queue or an SNS topic.');
      stream.onFailure = onFailure;
    }
  }

  private apply(mapping: EventSourceMapping): void {
    const stopping = this.stopPolling(mapping);
    if (mapping.enabled) {
      mapping.state = 'Enabled';
      this.pollers.set(mapping.uuid, this.poll(mapping));
    } else if (stopping) {
      // AWS: a mapping being switched off reads Disabling until its pollers are done.
      mapping.state = 'Disabling';
      void stopping.then(() => {
        if (!mapping.enabled && mapping.state === 'Disabling') mapping.state = 'Disabled';
      });
    } else mapping.state = 'Disabled';
  }

  private describe(m: EventSourceMapping) {
    return {
      UUID: m.uuid,
      EventSourceArn: m.eventSourceArn,
      FunctionArn: m.functionArn,
      BatchSize: m.batchSize,
      MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
      FunctionResponseTypes: m.functionResponseTypes,
      FilterCriteria: m.filters.length > 0 ? { Filters: m.filters.map((Pattern) => ({ Pattern })) } : undefined,
      ScalingConfig: m.maximumConcurrency ? { MaximumConcurrency: m.maximumConcurrency } : undefined,
      ...(m.stream
        ? {
            StartingPosition: m.stream.startingPosition,
            BisectBatchOnFunctionError: m.stream.bisectBatchOnFunctionError,
            MaximumRetryAttempts: m.stream.maximumRetryAttempts,
            MaximumRecordAgeInSeconds: m.stream.maximumRecordAgeInSeconds,
            ParallelizationFactor: 1,
            DestinationConfig: m.stream.onFailure ? { OnFailure: { Destination: m.stream.onFailure } } : undefined,
          }
        : {}),
      State: m.state,
      StateTransitionReason: 'USER_INITIATED',
      LastModified: m.lastModified,
      LastProcessingResult: 'No records processed',
    };
  }

  /** Starts the pollers of a mapping; returns the function that stops them. */
  private poll(mapping: EventSourceMapping): (now?: boolean) => Promise<void> {
    if (mapping.stream) {
      const stop = this.kinesisPoller!.start(mapping);
      return async () => stop();
    }
    let stopped = false;
    const controller = new AbortController();
    // The batches being handed to the function: switching the mapping off waits for these only.
    const delivering = new Set<Promise<void>>();
    const source = parseArn(mapping.eventSourceArn)!;
    const client = this.sqs(source.region);
    // AWS starts with five pollers and scales up to MaximumConcurrency; reserved concurrency also caps it.
    const pollers = Math.max(1, Math.min(mapping.maximumConcurrency ?? 5, 5));
    const loop = async () => {
      let queueUrl: string | undefined;
      while (!stopped) {
        try {
          queueUrl ??= (
            await client.send(new GetQueueUrlCommand({ QueueName: source.resource, QueueOwnerAWSAccountId: source.accountId }), {
              abortSignal: controller.signal,
            })
          ).QueueUrl!;
          // A receive under way when the mapping is switched off is not cut short (a receive cut
          // short would still hide what it was given): what it brings after that goes back to the
          // queue at once, visible, as a poller's batch the function never got does on AWS.
          const batch = await gatherBatch(client, queueUrl, mapping, controller.signal, () => stopped);
          if (batch.length === 0) continue;
          if (stopped) {
            await this.release(client, queueUrl, batch);
            return;
          }
          const delivery = this.deliver(client, queueUrl, mapping, batch);
          delivering.add(delivery);
          try {
            await delivery;
          } finally {
            delivering.delete(delivery);
          }
        } catch (error) {
          if (stopped) return;
          queueUrl = undefined;
          this.activity.emit('lambda.event-source-mapping-error', mapping.eventSourceArn, {
            uuid: mapping.uuid,
            reason: (error as Error).message,
          });
          await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
        }
      }
    };
    const loops = Array.from({ length: pollers }, loop);
    return async (now = false) => {
      stopped = true;
      if (now) {
        controller.abort();
        await Promise.all(loops);
      } else {
        // Switched off: done once no batch is with the function. A long poll still waiting ends
        // by itself within a second and gives back what it got; it invokes nothing.
        await Promise.allSettled([...delivering]);
      }
    };
  }

  /** Makes a received batch visible again at once (it still counts as a receive, as on AWS). */
  private async release(client: SQSClient, queueUrl: string, batch: Message[]): Promise<void> {
    for (let i = 0; i < batch.length; i += 10) {
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  private async deliver(client: SQSClient, queueUrl: string, mapping: EventSourceMapping, batch: Message[]): Promise<void> {
    const source = parseArn(mapping.eventSourceArn)!;
    const records = batch.map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
          k,
          {
            stringValue: v.StringValue,
            binaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : undefined,
            stringListValues: [],
            binaryListValues: [],
            dataType: v.DataType,
          },
        ]),
      ),
      md5OfBody: m.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: mapping.eventSourceArn,
      awsRegion: source.region,
    }));
    // AWS: messages that match no filter are deleted without invoking the function.
    const matching = records.filter(
      (r) => mapping.filters.length === 0 || matchesAnyFilter(mapping.filters, { ...r, body: parseBody(r.body) }),
    );
    const filteredOut = records.filter((r) => !matching.includes(r));
    const toDelete = new Set(filteredOut.map((r) => r.receiptHandle!));
    if (matching.length > 0) {
      const fn = this.lambda.functions.get(mapping.functionArn.split(':').pop()!);
      if (!fn) throw new Error(`function ${mapping.functionArn} no longer exists`);
      const report = await this.lambda.run(fn, { Records: matching }, 'sqs');
      if (!report.error) {
        const failures = mapping.functionResponseTypes.includes('ReportBatchItemFailures')
          ? failedIds(report.result, matching)
          : { ids: new Set<string>() };
        if (failures.all) {
          this.activity.emit('lambda.batch-failed', mapping.eventSourceArn, {
            uuid: mapping.uuid,
            reason: 'invalid batchItemFailures response: the whole batch returns to the queue',
          });
        } else {
          for (const r of matching) if (!failures.ids.has(r.messageId!)) toDelete.add(r.receiptHandle!);
          if (failures.ids.size > 0)
            this.activity.emit('lambda.batch-partially-failed', mapping.eventSourceArn, { uuid: mapping.uuid, failed: [...failures.ids] });
        }
      } else {
        this.activity.emit('lambda.batch-failed', mapping.eventSourceArn, {
          uuid: mapping.uuid,
          error: report.error,
          messages: matching.length,
        });
      }
    }
    const handles = [...toDelete];
    for (let i = 0; i < handles.length; i += 10) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: handles.slice(i, i + 10).map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle })),
        }),
      );
    }
  }
}

function parseBody(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return body;
  }
}

/**
 * Reads a ReportBatchItemFailures response. AWS: an empty or absent list means success; an item
 * whose identifier is missing or unknown makes the whole batch fail.
 */
function failedIds(result: any, records: { messageId?: string }[]): { ids: Set<string>; all?: boolean } {
  const items = result?.batchItemFailures;
  if (items === undefined || items === null) return { ids: new Set() };
  if (!Array.isArray(items)) return { ids: new Set(), all: true };
  const known = new Set(records.map((r) => r.messageId));
  const ids = new Set<string>();
  for (const item of items) {
    if (!item?.itemIdentifier || !known.has(item.itemIdentifier)) return { ids: new Set(), all: true };
    ids.add(item.itemIdentifier);
  }
  return { ids };
}
