import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let sqs: SQSClient;
before(async () => {
  cloud = await startTestCloud();
  sqs = new SQSClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

const arnOf = async (QueueUrl: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
const depth = async (QueueUrl: string) =>
  Number(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!
      .ApproximateNumberOfMessages,
  );

test('a DLQ redrive moves the messages back to their source queue', async () => {
  const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }));
  const dlqArn = await arnOf(dlqUrl!);
  const { QueueUrl: sourceUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: uniqueName('source'),
      Attributes: { VisibilityTimeout: '0', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
    }),
  );
  for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: body }));
  // Received once and never deleted: the next receive moves them to the DLQ.
  for (let i = 0; i < 4 && (await depth(dlqUrl!)) < 3; i++)
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: sourceUrl, MaxNumberOfMessages: 10 }));
  assert.equal(await depth(dlqUrl!), 3);

  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  assert.ok(TaskHandle);
  for (let i = 0; i < 100 && (await depth(sourceUrl!)) < 3; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await depth(sourceUrl!), 3);
  assert.equal(await depth(dlqUrl!), 0);
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
  assert.equal(Results[0].Status, 'COMPLETED');
  assert.equal(Results[0].ApproximateNumberOfMessagesMoved, 3);
});

test("a queue that is nobody's DLQ cannot be the source of a move task", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('plain') }));
  await assert.rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: await arnOf(QueueUrl!) })), /is not a dead-letter queue/);
});
