import type { ReceiveMessageCommandInput, ReceiveMessageCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsServer, SpyMessage } from 'fauxqs';
import type { MetricStore } from './metric-store.ts';

// The metrics Amazon SQS publishes in namespace AWS/SQS, dimension QueueName:
// - counters, one datapoint per message: NumberOfMessagesSent, NumberOfMessagesReceived,
//   NumberOfMessagesDeleted, NumberOfEmptyReceives (one per ReceiveMessage call that returned
//   nothing), and SentMessageSize (bytes of body and attributes);
// - gauges, sampled every few seconds: ApproximateNumberOfMessagesVisible / NotVisible / Delayed
//   and ApproximateAgeOfOldestMessage (seconds).
// A dead-letter queue is an ordinary queue here as on AWS: "DLQ depth" is the DLQ's own
// ApproximateNumberOfMessagesVisible, and an alarm on it is how you hear about dead letters.
// Messages moved to a DLQ by a failed receive are not counted as sent to it (AWS counts only
// messages sent to a DLQ by hand).

const GAUGES = [
  ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessages'],
  ['ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesNotVisible'],
  ['ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesDelayed'],
] as const;
const COUNTERS = ['NumberOfMessagesSent', 'NumberOfMessagesReceived', 'NumberOfMessagesDeleted', 'NumberOfEmptyReceives'] as const;
/** AWS publishes SQS metrics once a minute while a queue is active, zeros included. */
const IDLE_ZERO_MS = 60_000;

/** A queue as the sampler sees it: its attributes and when its oldest undeleted message was sent. */
export interface QueueSample {
  name: string;
  attributes: Record<string, string | undefined>;
  /** Epoch ms of the oldest message still in the queue (visible, in flight or delayed). */
  oldestSentAt?: number;
}

/** A queue's sample from fauxqs's own view of it (no HTTP round trip per queue). */
export function inspectedQueue(fauxqs: FauxqsServer, name: string): QueueSample | undefined {
  const queue = fauxqs.inspectQueue(name);
  if (!queue) return undefined;
  const { ready, delayed, inflight } = queue.messages;
  let oldestSentAt: number | undefined;
  const consider = (sentAt: number) => (oldestSentAt = oldestSentAt === undefined ? sentAt : Math.min(oldestSentAt, sentAt));
  for (const message of ready) consider(message.sentTimestamp);
  for (const message of delayed) consider(message.sentTimestamp);
  for (const entry of inflight) consider(entry.message.sentTimestamp);
  return { name, attributes: queue.attributes, oldestSentAt };
}

const queueNameOf = (queueUrl: string) => queueUrl.slice(queueUrl.lastIndexOf('/') + 1);

/** Turns what happens to queues into the AWS/SQS metrics. */
export class SqsMetrics {
  /** When each queue last got a counter datapoint (a message or an idle zero). */
  private readonly lastCounted = new Map<string, number>();
  /** The message fauxqs just moved to a dead-letter queue: its re-enqueue is not a send. */
  private deadLettered?: string;

  constructor(private readonly store: MetricStore) {}

  /**
   * Sees every event of fauxqs's message spy. Returns false so that, registered as a spy
   * waiter's filter, it keeps seeing them (the waiter never resolves).
   */
  readonly observe = (message: SpyMessage): boolean => {
    if (message.service !== 'sqs') return false;
    const QueueName = message.queueName;
    if (message.status === 'dlq') this.deadLettered = message.messageId;
    else if (message.status === 'consumed') this.count(QueueName, 'NumberOfMessagesDeleted', 1, message.timestamp);
    else if (this.deadLettered === message.messageId) this.deadLettered = undefined;
    else {
      this.count(QueueName, 'NumberOfMessagesSent', 1, message.timestamp);
      this.store.add(
        'AWS/SQS',
        'SentMessageSize',
        { QueueName },
        messageSize(message.body, message.messageAttributes),
        message.timestamp,
        'Bytes',
      );
    }
    return false;
  };

  /** Forgets every queue (reset): a queue made again starts with its zero counters. */
  clear(): void {
    this.lastCounted.clear();
    this.deadLettered = undefined;
  }

  /** One ReceiveMessage call on a queue that returned `count` messages. */
  received(queueUrl: string, count: number, time = Date.now()): void {
    const QueueName = queueNameOf(queueUrl);
    if (count > 0) this.count(QueueName, 'NumberOfMessagesReceived', count, time);
    else this.count(QueueName, 'NumberOfEmptyReceives', 1, time);
  }

  /** Records the gauges of one queue, and zero counters when it saw no traffic for a minute. */
  sample(queue: QueueSample, now = Date.now()): void {
    const QueueName = queue.name;
    for (const [metric, attribute] of GAUGES) {
      const value = queue.attributes[attribute];
      if (value !== undefined) this.store.add('AWS/SQS', metric, { QueueName }, Number(value), now, 'Count');
    }
    const age = queue.oldestSentAt === undefined ? 0 : Math.max(0, Math.floor((now - queue.oldestSentAt) / 1000));
    this.store.add('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName }, age, now, 'Seconds');
    if (now - (this.lastCounted.get(QueueName) ?? 0) >= IDLE_ZERO_MS) {
      for (const metric of COUNTERS) this.store.add('AWS/SQS', metric, { QueueName }, 0, now, 'Count');
      this.lastCounted.set(QueueName, now);
    }
  }

  private count(QueueName: string, metric: (typeof COUNTERS)[number], value: number, time: number): void {
    this.store.add('AWS/SQS', metric, { QueueName }, value, time, 'Count');
    this.lastCounted.set(QueueName, time);
  }
}

/** A message's size as SQS counts it against its limit: body plus attribute names, types and values. */
function messageSize(
  body: string,
  attributes: Record<string, { DataType?: string; StringValue?: string; BinaryValue?: unknown }> = {},
): number {
  let size = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue);
    else if (typeof value.BinaryValue === 'string') size += Buffer.from(value.BinaryValue, 'base64').length;
    else if (value.BinaryValue instanceof Uint8Array) size += value.BinaryValue.length;
  }
  return size;
}

/**
 * Counts the receives of one of the cloud's own SQS clients (event source mapping pollers,
 * message move tasks), which talk to fauxqs directly rather than through the gateway.
 */
export function countReceives(client: SQSClient, metrics: () => SqsMetrics): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ReceiveMessageCommand') {
        const { QueueUrl } = args.input as ReceiveMessageCommandInput;
        metrics().received(QueueUrl ?? '', (result.output as ReceiveMessageCommandOutput).Messages?.length ?? 0);
      }
      return result;
    },
    { step: 'initialize', name: 'countSqsReceives' },
  );
}
