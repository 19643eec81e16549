import { createHash, randomUUID } from 'node:crypto';
import type { ActivityStream } from '../../activity/stream.ts';
import { type ActionTable, arn, parseArn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { entriesToMap } from '../../aws/query.ts';
import { XmlMap } from '../../aws/xml.ts';
import type { Delivery } from '../../delivery/delivery.ts';
import { type Ledger, UnsavedLedger } from '../../persistence/ledger.ts';
import { FilterPatternError, parseSnsFilterPolicy } from '../../shared/filter/index.ts';
import {
  DEFAULT_HTTP_RETRY_POLICY,
  describeEffectivePolicy,
  parseSubscriptionDeliveryPolicy,
  parseTopicDeliveryPolicy,
} from './delivery-policy.ts';
import { type Message, type OwedDelivery, SnsDispatcher } from './dispatcher.ts';
import type { SignatureVersion } from './envelope.ts';
import type { HttpDeliveryOptions } from './http-endpoint.ts';
import { HttpSubscriptions, isHttpProtocol } from './http-subscriptions.ts';
import { SnsStore, type Subscription, type Topic } from './store.ts';
import {
  invalid,
  type MessageAttribute,
  notFound,
  validateFifoProtocol,
  validateMessageAttributes,
  validateTopicName,
} from './validate.ts';

// Email, SMS, mobile push and Firehose are refused by name rather than accepted and never delivered.
const SUPPORTED_PROTOCOLS = ['sqs', 'lambda', 'http', 'https'];

/** A message and its attributes are at most 256 KiB together. https://docs.aws.amazon.com/sns/latest/api/API_Publish.html */
const MAX_MESSAGE_SIZE = 262_144;

/** A message's size as SNS counts it: the body, and each attribute's name, type and value. */
function messageSize(text: unknown, attributes: Record<string, MessageAttribute>): number {
  return (
    (typeof text === 'string' ? Buffer.byteLength(text) : 0) +
    Object.entries(attributes).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + String(v?.DataType ?? '').length + String(v?.StringValue ?? v?.BinaryValue ?? '').length,
      0,
    )
  );
}

/** What SNS keeps across restarts (the deliveries it owes are in their own ledger). */
export interface SnsSnapshot {
  topics: Map<string, Topic>;
  subscriptions: ReadonlyMap<string, Subscription>;
  /** Snapshots of earlier versions kept the owed deliveries here. */
  owed?: OwedDelivery[];
}

const SUBSCRIPTION_ATTRIBUTES = [
  'RawMessageDelivery',
  'FilterPolicy',
  'FilterPolicyScope',
  'RedrivePolicy',
  'DeliveryPolicy',
  'SubscriptionRoleArn',
];

/**
 * Amazon SNS: topics, subscriptions, publish and fan-out. Delivers to SQS, Lambda and HTTP/S
 * endpoints (after their confirmation, with the delivery policy's retries); filter policies are
 * applied with the matcher shared with EventBridge.
 */
export class SnsService {
  readonly store = new SnsStore();
  private readonly http: HttpSubscriptions;
  private readonly dispatcher: SnsDispatcher;

  constructor(
    private readonly activity: ActivityStream,
    delivery: Delivery,
    endpoint: () => string,
    httpOptions: HttpDeliveryOptions = { delayMsPerSecond: 1_000, timeoutMs: 15_000 },
    owed: Ledger<OwedDelivery> = new UnsavedLedger(),
  ) {
    this.http = new HttpSubscriptions(activity, this.store, endpoint, httpOptions, (subscription, m, reason, facts) =>
      this.dispatcher.failed(subscription, m, reason, facts),
    );
    this.dispatcher = new SnsDispatcher(
      this.store,
      delivery,
      this.http,
      activity,
      { delayMsPerSecond: httpOptions.delayMsPerSecond, endpoint },
      owed,
    );
  }

  /**
   * The two actions AWS answers without a signature: the SubscribeURL and UnsubscribeURL links
   * SNS puts in the messages it sends, which a subscriber simply visits.
   */
  readonly linkActions: ActionTable = {
    ConfirmSubscription: (input) => this.http.confirm(input, false),
    Unsubscribe: (input) => this.unsubscribe(input.SubscriptionArn, false),
  };

  readonly actions: ActionTable = {
    CreateTopic: (input, context) => this.createTopic(input, context),
    DeleteTopic: (input) => this.deleteTopic(input.TopicArn),
    ListTopics: () => ({ Topics: [...this.store.topics.values()].map((t) => ({ TopicArn: t.arn })) }),
    GetTopicAttributes: (input) => ({ Attributes: new XmlMap(this.topicAttributes(this.topic(input.TopicArn))) }),
    SetTopicAttributes: (input) => this.setTopicAttribute(this.topic(input.TopicArn), input.AttributeName, input.AttributeValue),
    Subscribe: (input) => this.subscribe(input),
    ConfirmSubscription: (input) => {
      this.topic(input.TopicArn);
      return this.http.confirm(input, true);
    },
    Unsubscribe: (input) => this.unsubscribe(input.SubscriptionArn, true),
    ListSubscriptions: () => ({ Subscriptions: [...this.store.subscriptions.values()].map(summary) }),
    ListSubscriptionsByTopic: (input) => ({ Subscriptions: this.store.subscriptionsOf(this.topic(input.TopicArn).arn).map(summary) }),
    GetSubscriptionAttributes: (input) => ({
      Attributes: new XmlMap(this.subscriptionAttributes(this.subscription(input.SubscriptionArn))),
    }),
    SetSubscriptionAttributes: (input) =>
      this.setSubscriptionAttribute(this.subscription(input.SubscriptionArn), input.AttributeName, input.AttributeValue),
    Publish: (input) => this.publish(input),
    PublishBatch: (input) => this.publishBatch(input),
    TagResource: (input) => {
      Object.assign(this.topic(input.ResourceArn).tags, entriesToMap(input.Tags, 'Key', 'Value'));
      return {};
    },
    UntagResource: (input) => {
      const topic = this.topic(input.ResourceArn);
      for (const key of (input.TagKeys as string[]) ?? []) delete topic.tags[key];
      return {};
    },
    ListTagsForResource: (input) => ({ Tags: Object.entries(this.topic(input.ResourceArn).tags).map(([Key, Value]) => ({ Key, Value })) }),
  };

  /** What SNS keeps across restarts: topics and subscriptions. */
  snapshot(): SnsSnapshot {
    return { topics: this.store.topics, subscriptions: this.store.subscriptions };
  }

  restore(saved: SnsSnapshot): void {
    this.store.restore(saved.topics, saved.subscriptions);
    this.dispatcher.restore(saved.owed ?? []);
  }

  /** Delivers what was owed when the cloud stopped or was killed (once every service is restored). */
  resume(): void {
    this.dispatcher.resume();
  }

  /** Settles once every message accepted so far has had its first delivery attempt. */
  settled(): Promise<void> {
    return this.dispatcher.settled();
  }

  /** Forgets every topic, subscription and owed delivery. */
  reset(): void {
    this.dispatcher.clear();
    this.store.restore(new Map(), new Map());
  }

  /**
   * The cloud is stopping: the deliveries accepted are made first (so a clean stop loses no
   * message), then HTTP/S retries and POSTs under way stop; retries still waiting stay owed.
   */
  async shutdown(): Promise<void> {
    await this.dispatcher.settled();
    this.dispatcher.shutdown();
    this.http.shutdown();
  }

  topic(topicArn: unknown): Topic {
    if (typeof topicArn !== 'string' || !parseArn(topicArn)) throw invalid('Invalid parameter: TopicArn');
    const topic = this.store.topics.get(topicArn);
    if (!topic) throw notFound('Topic does not exist');
    return topic;
  }

  subscription(subscriptionArn: unknown): Subscription {
    if (typeof subscriptionArn !== 'string' || !parseArn(subscriptionArn)) throw invalid('Invalid parameter: SubscriptionArn');
    const subscription = this.store.subscriptions.get(subscriptionArn);
    if (!subscription) throw notFound('Subscription does not exist');
    return subscription;
  }

  private createTopic(input: any, context: RequestContext) {
    const attributes = entriesToMap(input.Attributes);
    const fifo = attributes.FifoTopic === 'true';
    const name = validateTopicName(input.Name, fifo);
    const topicArn = arn('sns', context, name);
    const existing = this.store.topics.get(topicArn);
    if (existing) {
      // AWS: creating an existing topic is idempotent only with the same attributes.
      for (const [key, value] of Object.entries(attributes)) {
        if ((existing.attributes[key] ?? '') !== value)
          throw invalid(`Invalid parameter: Attributes Reason: Topic already exists with different attributes`);
      }
      return { TopicArn: topicArn };
    }
    const topic: Topic = {
      arn: topicArn,
      name,
      region: context.region,
      attributes: {},
      tags: entriesToMap(input.Tags, 'Key', 'Value'),
      dedup: new Map(),
      sequence: 0n,
    };
    for (const [key, value] of Object.entries(attributes)) this.applyTopicAttribute(topic, key, value);
    if (fifo) topic.attributes.FifoTopic = 'true';
    this.store.topics.set(topicArn, topic);
    this.activity.emit('sns.topic-created', topicArn);
    return { TopicArn: topicArn };
  }

  private deleteTopic(topicArn: unknown) {
    const topic = this.store.topics.get(String(topicArn));
    // AWS: deleting a topic that does not exist succeeds.
    if (!topic) return {};
    for (const subscription of this.store.subscriptionsOf(topic.arn)) this.store.unsubscribe(subscription.arn);
    this.store.topics.delete(topic.arn);
    this.activity.emit('sns.topic-deleted', topic.arn);
    return {};
  }

  private topicAttributes(topic: Topic): Record<string, string> {
    const subscriptions = this.store.subscriptionsOf(topic.arn);
    const policy = {
      Version: '2008-10-17',
      Id: '__default_policy_ID',
      Statement: [
        {
          Sid: '__default_statement_ID',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: [
            'SNS:Publish',
            'SNS:Subscribe',
            'SNS:GetTopicAttributes',
            'SNS:SetTopicAttributes',
            'SNS:DeleteTopic',
            'SNS:ListSubscriptionsByTopic',
            'SNS:AddPermission',
            'SNS:RemovePermission',
            'SNS:Receive',
          ],
          Resource: topic.arn,
          Condition: { StringEquals: { 'AWS:SourceOwner': parseArn(topic.arn)!.accountId } },
        },
      ],
    };
    return {
      TopicArn: topic.arn,
      Owner: parseArn(topic.arn)!.accountId,
      DisplayName: '',
      Policy: JSON.stringify(policy),
      SubscriptionsConfirmed: String(subscriptions.filter((s) => !s.pendingConfirmation).length),
      SubscriptionsPending: String(subscriptions.filter((s) => s.pendingConfirmation).length),
      SubscriptionsDeleted: '0',
      EffectiveDeliveryPolicy: effectiveTopicPolicy(topic.attributes.DeliveryPolicy),
      ...(topic.attributes.FifoTopic === 'true'
        ? { FifoTopic: 'true', ContentBasedDeduplication: topic.attributes.ContentBasedDeduplication ?? 'false' }
        : {}),
      ...topic.attributes,
    };
  }

  private applyTopicAttribute(topic: Topic, name: string, value: string): void {
    const settable = [
      'DisplayName',
      'Policy',
      'DeliveryPolicy',
      'KmsMasterKeyId',
      'ContentBasedDeduplication',
      'SignatureVersion',
      'TracingConfig',
      'FifoTopic',
    ];
    // Attributes AWS knows whose effect a learner would see, but the local cloud does not emulate.
    if (name === 'ArchivePolicy' || name === 'FifoThroughputScope')
      throw invalid(
        `Invalid parameter: the local cloud does not support the topic attribute ${name} (FIFO message archiving and throughput scope); use the AWS target for it`,
      );
    if (!settable.includes(name))
      throw invalid(`Invalid parameter: AttributeName: the local cloud does not know the topic attribute ${name}`);
    if (name === 'SignatureVersion' && value !== '1' && value !== '2')
      throw invalid('Invalid parameter: SignatureVersion: the supported versions are 1 (SHA1) and 2 (SHA256)');
    if (name === 'FifoTopic' && value !== (topic.attributes.FifoTopic ?? 'false') && topic.sequence > 0n)
      throw invalid('Invalid parameter: FifoTopic cannot be changed');
    if (name === 'DeliveryPolicy' && value !== '') parseTopicDeliveryPolicy(value);
    if (
      name === 'ContentBasedDeduplication' &&
      topic.attributes.FifoTopic !== 'true' &&
      value === 'true' &&
      !topic.name.endsWith('.fifo')
    ) {
      throw invalid('Invalid parameter: Attributes Reason: ContentBasedDeduplication can only be set for FIFO topics');
    }
    topic.attributes[name] = value;
  }

  private setTopicAttribute(topic: Topic, name: string, value: string) {
    this.applyTopicAttribute(topic, name, value ?? '');
    return {};
  }

  private subscribe(input: any) {
    const topic = this.topic(input.TopicArn);
    const protocol = String(input.Protocol ?? '').toLowerCase();
    if (!protocol) throw invalid('Invalid parameter: Protocol');
    if (!SUPPORTED_PROTOCOLS.includes(protocol)) {
      throw new AwsError(
        'InvalidParameter',
        `Invalid parameter: the local cloud delivers to ${SUPPORTED_PROTOCOLS.join(', ')}; protocol ${protocol} is not supported (use the AWS target for it).`,
      );
    }
    validateFifoProtocol(protocol, topic.attributes.FifoTopic === 'true');
    const endpoint = String(input.Endpoint ?? '');
    if ((protocol === 'sqs' || protocol === 'lambda') && !parseArn(endpoint))
      throw invalid(`Invalid parameter: ${protocol === 'sqs' ? 'SQS' : 'Lambda'} endpoint ARN`);
    if (isHttpProtocol(protocol)) validateHttpEndpoint(protocol, endpoint, topic);
    const attributes = entriesToMap(input.Attributes);
    // AWS: subscribing the same endpoint twice returns the existing subscription; a pending one
    // gets its confirmation message again.
    const existing = this.store.subscriptionsOf(topic.arn).find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (existing) {
      if (existing.pendingConfirmation) this.http.requestConfirmation(existing);
      return {
        SubscriptionArn: existing.pendingConfirmation && input.ReturnSubscriptionArn !== 'true' ? 'pending confirmation' : existing.arn,
      };
    }
    const subscription: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      protocol,
      endpoint,
      attributes: {},
      pendingConfirmation: isHttpProtocol(protocol),
      ...(isHttpProtocol(protocol) ? { confirmationWasAuthenticated: false } : {}),
    };
    // The scope decides how the policy is read, so it applies first, whatever the order given.
    const ordered = Object.entries(attributes).sort(([a], [b]) => Number(b === 'FilterPolicyScope') - Number(a === 'FilterPolicyScope'));
    for (const [name, value] of ordered) this.applySubscriptionAttribute(subscription, name, value);
    this.store.subscribe(subscription);
    this.activity.emit('sns.subscribed', topic.arn, { subscriptionArn: subscription.arn, protocol, endpoint });
    if (subscription.pendingConfirmation) this.http.requestConfirmation(subscription);
    return {
      SubscriptionArn:
        subscription.pendingConfirmation && input.ReturnSubscriptionArn !== 'true' ? 'pending confirmation' : subscription.arn,
    };
  }

  private unsubscribe(subscriptionArn: unknown, authenticated: boolean) {
    const subscription = this.subscription(subscriptionArn);
    if (!authenticated && subscription.authenticateOnUnsubscribe) {
      throw new AwsError(
        'AuthorizationError',
        'Unsubscribe requires authentication: the subscription was confirmed with AuthenticateOnUnsubscribe, so only a signed Unsubscribe removes it.',
        403,
      );
    }
    this.store.unsubscribe(subscription.arn);
    this.activity.emit('sns.unsubscribed', subscription.topicArn, { subscriptionArn: subscription.arn });
    return {};
  }

  private subscriptionAttributes(subscription: Subscription): Record<string, string> {
    const { accountId } = parseArn(subscription.arn)!;
    return {
      SubscriptionArn: subscription.arn,
      TopicArn: subscription.topicArn,
      Protocol: subscription.protocol,
      Endpoint: subscription.endpoint,
      Owner: accountId,
      ConfirmationWasAuthenticated: String(subscription.confirmationWasAuthenticated ?? !subscription.pendingConfirmation),
      PendingConfirmation: String(subscription.pendingConfirmation),
      RawMessageDelivery: 'false',
      ...(isHttpProtocol(subscription.protocol)
        ? { EffectiveDeliveryPolicy: describeEffectivePolicy(this.http.policy(subscription)) }
        : {}),
      ...subscription.attributes,
    };
  }

  private applySubscriptionAttribute(subscription: Subscription, name: string, value: string): void {
    if (!SUBSCRIPTION_ATTRIBUTES.includes(name)) throw invalid(`Invalid parameter: AttributeName: ${name} is not a subscription attribute`);
    if (name === 'RawMessageDelivery') {
      if (value !== 'true' && value !== 'false')
        throw invalid(`Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      if (subscription.protocol === 'lambda')
        throw invalid('Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery.');
    }
    if (name === 'RedrivePolicy' && value !== '') {
      let target: unknown;
      try {
        target = JSON.parse(value).deadLetterTargetArn;
      } catch {
        throw invalid('Invalid parameter: RedrivePolicy: Invalid value. Value must be valid JSON');
      }
      if (typeof target !== 'string' || parseArn(target)?.service !== 'sqs')
        throw invalid('Invalid parameter: RedrivePolicy: deadLetterTargetArn must be an SQS queue ARN');
    }
    if (name === 'DeliveryPolicy' && value !== '') {
      // AWS: only HTTP/S deliveries can be tuned; every other protocol has a fixed policy.
      if (!isHttpProtocol(subscription.protocol))
        throw invalid(
          `Invalid parameter: DeliveryPolicy: Delivery protocol [${subscription.protocol}] does not support delivery policies; only http and https do.`,
        );
      parseSubscriptionDeliveryPolicy(value);
    }
    if (name === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') {
      throw invalid(
        'Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [' +
          value +
          ']. Please use either MessageBody or MessageAttributes',
      );
    }
    const policy = name === 'FilterPolicy' ? value : name === 'FilterPolicyScope' ? (subscription.attributes.FilterPolicy ?? '') : '';
    if (policy !== '') {
      const scope = name === 'FilterPolicyScope' ? value : (subscription.attributes.FilterPolicyScope ?? 'MessageAttributes');
      try {
        parseSnsFilterPolicy(policy, scope as 'MessageAttributes' | 'MessageBody');
      } catch (error) {
        if (error instanceof FilterPatternError)
          throw invalid(
            error.message.startsWith('Invalid parameter') ? error.message : `Invalid parameter: FilterPolicy: ${error.message}`,
          );
        throw error;
      }
    }
    if (value === '' && (name === 'FilterPolicy' || name === 'RedrivePolicy' || name === 'DeliveryPolicy'))
      delete subscription.attributes[name];
    else subscription.attributes[name] = value;
  }

  private setSubscriptionAttribute(subscription: Subscription, name: string, value: string) {
    this.applySubscriptionAttribute(subscription, name, value ?? '');
    return {};
  }

  private async publishBatch(input: any) {
    const topic = this.topic(input.TopicArn);
    const entries: any[] = input.PublishBatchRequestEntries ?? [];
    if (entries.length === 0) throw new AwsError('EmptyBatchRequest', 'The batch request does not contain any entries.');
    if (entries.length > 10)
      throw new AwsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
    // "The maximum total payload size (the sum of the individual lengths of all of the batched
    // messages)" is 256 KiB, as for one message. https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
    const total = entries.reduce(
      (sum, entry) => sum + messageSize(entry?.Message, entriesToMap<MessageAttribute>(entry?.MessageAttributes, 'Name', 'Value')),
      0,
    );
    if (total > MAX_MESSAGE_SIZE)
      throw new AwsError(
        'BatchRequestTooLong',
        `The length of all the messages put together is more than the limit (${total} bytes; at most ${MAX_MESSAGE_SIZE}).`,
      );
    const ids = new Set<string>();
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const entry of entries) {
      if (ids.has(entry.Id)) throw new AwsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
      ids.add(entry.Id);
      try {
        const result = this.publish({ ...entry, TopicArn: topic.arn });
        Successful.push({ Id: entry.Id, MessageId: result.MessageId, SequenceNumber: result.SequenceNumber });
      } catch (error) {
        const e = error as AwsError;
        Failed.push({ Id: entry.Id, Code: e.code ?? 'InternalError', Message: e.message, SenderFault: e.senderFault ?? false });
      }
    }
    return { Successful, Failed };
  }

  /**
   * Publishes one message: answers once it is accepted, as AWS does; the dispatcher then delivers
   * it to every subscription whose filter policy it passes.
   */
  publish(input: any): { MessageId: string; SequenceNumber?: string } {
    const topic = this.topic(input.TopicArn ?? input.TargetArn);
    const text = input.Message;
    if (typeof text !== 'string' || text.length === 0) throw invalid('Invalid parameter: Empty message');
    const attributes = entriesToMap<MessageAttribute>(input.MessageAttributes, 'Name', 'Value');
    validateMessageAttributes(attributes);
    if (messageSize(text, attributes) > MAX_MESSAGE_SIZE) throw invalid('Invalid parameter: Message too long');
    const fifo = topic.attributes.FifoTopic === 'true';
    let sequenceNumber: string | undefined;
    let fifoIds: { groupId: string; dedupId: string } | undefined;
    if (fifo) {
      if (!input.MessageGroupId) throw invalid('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
      const dedupId =
        input.MessageDeduplicationId ?? (topic.attributes.ContentBasedDeduplication === 'true' ? contentHash(text) : undefined);
      if (!dedupId)
        throw invalid(
          'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      fifoIds = { groupId: input.MessageGroupId, dedupId };
      const now = Date.now();
      for (const [id, at] of topic.dedup) if (now - at > 300_000) topic.dedup.delete(id);
      if (topic.dedup.has(dedupId)) {
        // AWS: a duplicate within the 5-minute window is accepted and not delivered again.
        this.activity.emit('sns.deduplicated', topic.arn, { dedupId });
        return { MessageId: randomUUID(), SequenceNumber: String(topic.sequence).padStart(20, '0') };
      }
      topic.dedup.set(dedupId, now);
      topic.sequence += 1n;
      sequenceNumber = String(topic.sequence).padStart(20, '0');
    } else if (input.MessageGroupId && input.MessageDeduplicationId) {
      throw invalid('Invalid parameter: MessageDeduplicationId is only valid for FIFO topics');
    }
    const messageId = randomUUID();
    const timestamp = new Date();
    this.activity.emit('sns.published', topic.arn, { messageId, subject: input.Subject, attributes: Object.keys(attributes) });
    const message: Message = {
      messageId,
      topicArn: topic.arn,
      subject: input.Subject,
      message: text,
      timestamp,
      attributes,
      sequenceNumber,
      fifoIds,
      signatureVersion: topic.attributes.SignatureVersion as SignatureVersion | undefined,
    };
    this.dispatcher.accept(message, this.store.subscriptionsOf(topic.arn));
    return { MessageId: messageId, ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}) };
  }
}

function summary(s: Subscription) {
  return {
    SubscriptionArn: s.pendingConfirmation ? 'PendingConfirmation' : s.arn,
    Owner: parseArn(s.arn)!.accountId,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: s.topicArn,
  };
}

function contentHash(message: string): string {
  return createHash('sha256').update(message).digest('hex');
}

/** The topic's EffectiveDeliveryPolicy: its own http policy over AWS's defaults. */
function effectiveTopicPolicy(policy: string | undefined): string {
  const parsed = policy ? parseTopicDeliveryPolicy(policy) : { disableSubscriptionOverrides: false };
  return JSON.stringify({
    http: {
      defaultHealthyRetryPolicy: parsed.retry ?? DEFAULT_HTTP_RETRY_POLICY,
      ...(parsed.maxReceivesPerSecond !== undefined
        ? { defaultThrottlePolicy: { maxReceivesPerSecond: parsed.maxReceivesPerSecond } }
        : {}),
      ...(parsed.contentType !== undefined ? { defaultRequestPolicy: { headerContentType: parsed.contentType } } : {}),
      disableSubscriptionOverrides: parsed.disableSubscriptionOverrides,
    },
  });
}

/** AWS checks the URL when subscribing; FIFO topics deliver to SQS queues only. */
function validateHttpEndpoint(protocol: string, endpoint: string, topic: Topic): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== `${protocol}:`) throw invalid('Invalid parameter: Endpoint must match the specified protocol');
  if (topic.attributes.FifoTopic === 'true')
    throw invalid(`Invalid parameter: Invalid protocol type: ${protocol}. FIFO topics deliver only to Amazon SQS queues.`);
}
