import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../labs/kit/clients.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../testing/test-cloud.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

const allowTopic = (queueArn: string, topicArn: string) =>
  JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });

/** The next activity of kind sns.<type> for `topicArn`. */
const next = (topicArn: string, types: string[]) =>
  new Promise<{ type: string; reason?: string }>((resolve) => {
    const stop = cloud.services.activity.subscribe((a) => {
      if (a.service !== 'sns' || a.resource !== topicArn || !types.includes(a.type)) return;
      stop();
      resolve({ type: a.type, reason: (a.detail as { reason?: string }).reason });
    });
  });

test('a queue policy changed, or a queue deleted and made again, decides the very next delivery', async () => {
  const config = clientConfig(cloud.target);
  const [sns, sqs] = [new SNSClient(config), new SQSClient(config)];
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('policy') }));
  const QueueName = uniqueName('policy');
  let { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
  const QueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
  const publish = async (types = ['delivered', 'delivery-failed']) => {
    const outcome = next(TopicArn!, types);
    await sns.send(new PublishCommand({ TopicArn, Message: 'ride' }));
    return outcome;
  };

  const refused = await publish();
  assert.equal(refused.type, 'delivery-failed', 'no queue policy: SNS may not send');
  assert.match(refused.reason!, /does not allow sns\.amazonaws\.com .*add a queue policy statement/);

  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: allowTopic(QueueArn, TopicArn!) } }));
  assert.equal((await publish()).type, 'delivered', 'the policy set a moment ago applies');
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  assert.equal(Messages[0]?.Body, 'ride');

  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  assert.match((await publish()).reason ?? '', /does not exist/, 'a deleted queue is not delivered to');
  ({ QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName })));
  assert.equal((await publish()).type, 'delivery-failed', 'the queue made again has no policy yet');
  sns.destroy();
  sqs.destroy();
});
