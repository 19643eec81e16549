import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { checkRedriveTarget } from '../../sqs/redrive-target.ts';
import { asString, type ProviderContext, type ResourceProvider, tagList } from './provider.ts';

const ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
] as const;

function attributesOf(props: Record<string, any>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTES) if (props[name] !== undefined) attributes[name] = asString(props[name]);
  return attributes;
}

async function queueUrl(context: ProviderContext, physicalId: string): Promise<string> {
  return physicalId.startsWith('http')
    ? physicalId
    : (await context.services.sqsIn(context.region).send(new GetQueueUrlCommand({ QueueName: physicalId }))).QueueUrl!;
}

/** AWS::SQS::Queue, in fauxqs through the SQS API. Ref is the queue URL, as on AWS. */
export const sqsQueue: ResourceProvider = {
  properties: ['QueueName', 'Tags', ...ATTRIBUTES],
  replaceOn: ['QueueName', 'FifoQueue'],
  async create(props, context) {
    const fifo = String(props.FifoQueue) === 'true';
    const QueueName = props.QueueName ?? context.generateName(fifo ? 75 : 80, { suffix: fifo ? '.fifo' : '' });
    const sqs = context.services.sqsIn(context.region);
    await checkRedriveTarget(sqs, fifo, props.RedrivePolicy);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes: attributesOf(props) }));
    const tags = Object.fromEntries(Object.entries({ ...context.tags, ...tagList(props.Tags) }).filter(([k]) => !k.startsWith('aws:')));
    if (Object.keys(tags).length > 0) await sqs.send(new TagQueueCommand({ QueueUrl, Tags: tags }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { physicalId: QueueUrl!, attributes: { Arn: Attributes!.QueueArn, QueueName, QueueUrl } };
  },
  async update(current, props, previous, context) {
    const changed = attributesOf(props);
    // Attributes removed from the template go back to their defaults, as CloudFormation does.
    const defaults: Record<string, string> = {
      DelaySeconds: '0',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      VisibilityTimeout: '30',
      RedrivePolicy: '',
    };
    for (const name of Object.keys(attributesOf(previous))) if (!(name in changed) && name in defaults) changed[name] = defaults[name];
    delete changed.FifoQueue;
    await checkRedriveTarget(context.services.sqsIn(context.region), String(props.FifoQueue) === 'true', props.RedrivePolicy);
    await context.services.sqsIn(context.region).send(new SetQueueAttributesCommand({ QueueUrl: current.physicalId, Attributes: changed }));
    return current;
  },
  async delete(current, _props, context) {
    try {
      await context.services.sqsIn(context.region).send(new DeleteQueueCommand({ QueueUrl: current.physicalId }));
    } catch (error) {
      if (!(error instanceof QueueDoesNotExist)) throw error;
    }
  },
};

/** AWS::SQS::QueuePolicy: the Policy attribute of each of its queues. */
export const sqsQueuePolicy: ResourceProvider = {
  properties: ['PolicyDocument', 'Queues'],
  async create(props, context) {
    for (const queue of props.Queues ?? []) {
      await context.services.sqsIn(context.region).send(
        new SetQueueAttributesCommand({
          QueueUrl: await queueUrl(context, queue),
          Attributes: { Policy: asString(props.PolicyDocument) },
        }),
      );
    }
    return { physicalId: `${context.stackName}-${context.logicalId}` };
  },
  async update(current, props, previous, context) {
    await sqsQueuePolicy.delete(
      current,
      { ...previous, Queues: (previous.Queues ?? []).filter((q: string) => !(props.Queues ?? []).includes(q)) },
      context,
    );
    await sqsQueuePolicy.create(props, context);
    return current;
  },
  async delete(_current, props, context) {
    for (const queue of props.Queues ?? []) {
      try {
        await context.services
          .sqsIn(context.region)
          .send(new SetQueueAttributesCommand({ QueueUrl: await queueUrl(context, queue), Attributes: { Policy: '' } }));
      } catch (error) {
        if (!(error instanceof QueueDoesNotExist)) throw error;
      }
    }
  },
};
