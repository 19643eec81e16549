import { AwsError } from '../../../aws/errors.ts';
import { asString, type ResourceProvider } from './provider.ts';

/**
 * AWS::SNS::TopicPolicy: the Policy attribute of each of its topics (who may publish and
 * subscribe; EventBridge needs it to publish to a topic). Deleting it gives each topic back its
 * default policy, as on AWS.
 */
export const snsTopicPolicy: ResourceProvider = {
  properties: ['PolicyDocument', 'Topics'],
  async create(props, context) {
    const document = props.PolicyDocument;
    if (!document || typeof document !== 'object' || !document.Statement)
      throw new AwsError('InvalidParameter', 'Invalid parameter: Policy Error: null');
    for (const topic of props.Topics ?? []) {
      await context.services.sns.actions.SetTopicAttributes(
        { TopicArn: topic, AttributeName: 'Policy', AttributeValue: asString(document) },
        context,
      );
    }
    return { physicalId: context.generateName(128) };
  },
  async update(current, props, previous, context) {
    await snsTopicPolicy.delete(
      current,
      { ...previous, Topics: (previous.Topics ?? []).filter((t: string) => !(props.Topics ?? []).includes(t)) },
      context,
    );
    await snsTopicPolicy.create(props, context);
    return current;
  },
  async delete(_current, props, context) {
    for (const topic of props.Topics ?? []) {
      const record = context.services.sns.store.topics.get(String(topic));
      if (record) delete record.attributes.Policy;
    }
  },
};
