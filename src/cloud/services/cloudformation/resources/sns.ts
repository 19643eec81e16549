import { AwsError } from '../../../aws/errors.ts';
import { asString, type ResourceProvider, tagList } from './provider.ts';

const SUBSCRIPTION_ATTRIBUTES = [
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'DeliveryPolicy',
  'SubscriptionRoleArn',
] as const;

/**
 * AWS::SNS::Topic. KmsMasterKeyId and TracingConfig are kept without a local effect: encryption at
 * rest and X-Ray traces change nothing a lab can observe. ArchivePolicy (FIFO replay) and
 * FifoThroughputScope would, so they are refused by name.
 */
export const snsTopic: ResourceProvider = {
  properties: [
    'TopicName',
    'DisplayName',
    'FifoTopic',
    'ContentBasedDeduplication',
    'Tags',
    'Subscription',
    'KmsMasterKeyId',
    'TracingConfig',
    'SignatureVersion',
  ],
  replaceOn: ['TopicName', 'FifoTopic'],
  async create(props, context) {
    const fifo = String(props.FifoTopic) === 'true';
    const Name = props.TopicName ?? context.generateName(fifo ? 251 : 256, { suffix: fifo ? '.fifo' : '' });
    const Attributes = [
      ...(fifo ? [{ key: 'FifoTopic', value: 'true' }] : []),
      ...(props.ContentBasedDeduplication !== undefined
        ? [{ key: 'ContentBasedDeduplication', value: String(props.ContentBasedDeduplication) }]
        : []),
      ...(props.DisplayName !== undefined ? [{ key: 'DisplayName', value: props.DisplayName }] : []),
      ...(props.SignatureVersion !== undefined ? [{ key: 'SignatureVersion', value: String(props.SignatureVersion) }] : []),
    ];
    const Tags = Object.entries({ ...context.tags, ...tagList(props.Tags) }).map(([Key, Value]) => ({ Key, Value }));
    const { TopicArn } = (await context.services.sns.actions.CreateTopic({ Name, Attributes, Tags }, context)) as { TopicArn: string };
    for (const s of props.Subscription ?? [])
      await context.services.sns.actions.Subscribe({ TopicArn, Protocol: s.Protocol, Endpoint: s.Endpoint }, context);
    return { physicalId: TopicArn, attributes: { TopicArn, TopicName: Name } };
  },
  async update(current, props, previous, context) {
    const sns = context.services.sns;
    // Inline subscriptions are updated in place: the ones no longer listed go, new ones come.
    const key = (s: any) => `${s.Protocol}|${s.Endpoint}`;
    const wanted = new Set<string>((props.Subscription ?? []).map(key));
    const had = new Set<string>((previous.Subscription ?? []).map(key));
    for (const subscription of sns.store.subscriptionsOf(current.physicalId)) {
      const id = `${subscription.protocol}|${subscription.endpoint}`;
      if (had.has(id) && !wanted.has(id)) await sns.actions.Unsubscribe({ SubscriptionArn: subscription.arn }, context);
    }
    for (const s of props.Subscription ?? [])
      if (!had.has(key(s)))
        await sns.actions.Subscribe({ TopicArn: current.physicalId, Protocol: s.Protocol, Endpoint: s.Endpoint }, context);
    if (props.DisplayName !== undefined)
      await sns.actions.SetTopicAttributes(
        { TopicArn: current.physicalId, AttributeName: 'DisplayName', AttributeValue: props.DisplayName },
        context,
      );
    await sns.actions.SetTopicAttributes(
      { TopicArn: current.physicalId, AttributeName: 'SignatureVersion', AttributeValue: String(props.SignatureVersion ?? '1') },
      context,
    );
    if (props.ContentBasedDeduplication !== undefined)
      await sns.actions.SetTopicAttributes(
        {
          TopicArn: current.physicalId,
          AttributeName: 'ContentBasedDeduplication',
          AttributeValue: String(props.ContentBasedDeduplication),
        },
        context,
      );
    sns.topic(current.physicalId).tags = { ...context.tags, ...tagList(props.Tags) };
    return current;
  },
  async delete(current, _props, context) {
    await context.services.sns.actions.DeleteTopic({ TopicArn: current.physicalId }, context);
  },
};

/** AWS::SNS::Subscription, with its delivery attributes (filter policy, raw delivery, DLQ). */
export const snsSubscription: ResourceProvider = {
  properties: ['TopicArn', 'Protocol', 'Endpoint', 'Region', ...SUBSCRIPTION_ATTRIBUTES],
  replaceOn: ['TopicArn', 'Protocol', 'Endpoint', 'Region'],
  async create(props, context) {
    if (props.Region && props.Region !== context.region)
      throw new AwsError('ValidationError', 'The local cloud does not subscribe across regions.');
    const Attributes = SUBSCRIPTION_ATTRIBUTES.filter((name) => props[name] !== undefined).map((name) => ({
      key: name,
      value: asString(props[name]),
    }));
    const { SubscriptionArn } = (await context.services.sns.actions.Subscribe(
      { TopicArn: props.TopicArn, Protocol: props.Protocol, Endpoint: props.Endpoint, Attributes, ReturnSubscriptionArn: 'true' },
      context,
    )) as { SubscriptionArn: string };
    return { physicalId: SubscriptionArn };
  },
  async update(current, props, previous, context) {
    for (const name of SUBSCRIPTION_ATTRIBUTES) {
      if (asString(props[name]) === asString(previous[name])) continue;
      const cleared = name === 'RawMessageDelivery' ? 'false' : name === 'FilterPolicyScope' ? 'MessageAttributes' : '';
      const value = props[name] === undefined ? cleared : asString(props[name]);
      await context.services.sns.actions.SetSubscriptionAttributes(
        { SubscriptionArn: current.physicalId, AttributeName: name, AttributeValue: value },
        context,
      );
    }
    return current;
  },
  async delete(current, _props, context) {
    if (!context.services.sns.store.subscriptions.has(current.physicalId)) return;
    await context.services.sns.actions.Unsubscribe({ SubscriptionArn: current.physicalId }, context);
  },
};
