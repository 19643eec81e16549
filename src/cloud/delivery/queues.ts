import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FauxqsServer } from 'fauxqs';
import { LOCAL_ACCOUNT_ID, parseArn } from '../aws/context.ts';
import type { MessageAttribute } from '../services/sns/validate.ts';

/** What a sender needs to know about a queue before sending to it. */
export interface QueueFacts {
  name: string;
  region: string;
  /** The queue policy (JSON text), if it has one. */
  policy?: string;
  fifo: boolean;
}

/** A message one service sends to a queue. */
export interface QueueMessage {
  body: string;
  attributes?: Record<string, MessageAttribute>;
  /** FIFO queues: the message group and deduplication ids. */
  fifo?: { groupId: string; dedupId: string };
}

/** A send fauxqs refused for the message or the queue itself: sending it again would fail again. */
export class QueueRefusal extends Error {}

// What fauxqs 2.4.1 says when it refuses a send for the message or the queue (its sendMessage
// throws plain Errors): anything else it throws is its own failure, which a sender may retry.
const REFUSALS = /not found|Invalid characters|must be shorter|is required for FIFO|DelaySeconds/;

/**
 * The SQS queues (fauxqs) as the other services reach them: in process through fauxqs's own API,
 * with no signed HTTP round trip. Each queue's policy and type are looked up once and forgotten
 * whenever any queue is created, changed or deleted (`changed`), so a policy edited a moment ago
 * decides the next delivery.
 */
export class QueueDirectory {
  private readonly known = new Map<string, QueueFacts | null>();

  constructor(
    private readonly fauxqs: FauxqsServer,
    private readonly sqsIn: (region: string) => SQSClient,
  ) {}

  /** The facts of the queue an ARN names, or undefined when there is no such queue. */
  async facts(queueArn: string): Promise<QueueFacts | undefined> {
    const cached = this.known.get(queueArn);
    if (cached !== undefined) return cached ?? undefined;
    const facts = await this.lookUp(queueArn);
    this.known.set(queueArn, facts ?? null);
    return facts;
  }

  /** Sends one message; returns its message id. Throws QueueRefusal when fauxqs refuses it. */
  send(queue: QueueFacts, message: QueueMessage): string {
    try {
      return this.fauxqs.sendMessage(queue.name, message.body, {
        region: queue.region,
        messageAttributes: message.attributes,
        messageGroupId: message.fifo?.groupId,
        messageDeduplicationId: message.fifo?.dedupId,
      }).messageId;
    } catch (error) {
      if (REFUSALS.test((error as Error).message))
        throw new QueueRefusal(`queue ${queue.name} refused the message: ${(error as Error).message}`);
      throw error;
    }
  }

  /** Forgets what it knew: a queue was created, changed or deleted. */
  changed(): void {
    this.known.clear();
  }

  private async lookUp(queueArn: string): Promise<QueueFacts | undefined> {
    const parsed = parseArn(queueArn);
    if (parsed?.service !== 'sqs' || parsed.accountId !== LOCAL_ACCOUNT_ID) return undefined;
    const { resource: name, region } = parsed;
    // fauxqs inspects a queue by name alone; when that is another region's queue of the same name, ask by URL.
    const inspected = this.fauxqs.inspectQueue(name);
    if (inspected?.arn === queueArn)
      return { name, region, policy: inspected.attributes.Policy, fifo: inspected.attributes.FifoQueue === 'true' };
    const sqs = this.sqsIn(region);
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy', 'FifoQueue'] }));
      return { name, region, policy: Attributes.Policy, fifo: Attributes.FifoQueue === 'true' };
    } catch (error) {
      if ((error as { name?: string }).name === 'QueueDoesNotExist' || /does not exist/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }
}

/** The SQS actions after which what the directory knew may be wrong. */
export const QUEUE_CHANGES = new Set(['CreateQueue', 'DeleteQueue', 'SetQueueAttributes']);
