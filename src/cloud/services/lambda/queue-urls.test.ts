import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { TEST_ROLE } from '../../testing/lambda-zip.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;

before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

// A handler as a lab writes it: an SDK client with no endpoint (the environment gives it), sending
// to the queue URL it was given. The SDK sends to the host of the queue URL.
const SENDER = `
const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
exports.handler = async (event) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.body, DelaySeconds: 0 }));
  return 'sent';
};`;

describe('queue URLs, as functions use them', () => {
  test("a queue's URL carries the endpoint's port, whoever created the queue", async () => {
    const sqs = new SQSClient(clientConfig(cloud.target));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('direct') }));
    assert.equal(new URL(QueueUrl!).port, new URL(cloud.target.endpoint!).port);
  });

  test('a function sends to a queue CloudFormation created, through the URL the stack gave it', async () => {
    const StackName = uniqueName('queue-url');
    const cfn = new CloudFormationClient(clientConfig(cloud.target));
    const template = {
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue' },
        Sender: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            FunctionName: StackName,
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Role: TEST_ROLE,
            Code: { ZipFile: SENDER },
            Environment: { Variables: { QUEUE_URL: { Ref: 'Queue' } } },
          },
        },
      },
      Outputs: { QueueUrl: { Value: { Ref: 'Queue' } } },
    };
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: JSON.stringify(template) }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    const queueUrl = stack.Outputs!.find((o) => o.OutputKey === 'QueueUrl')!.OutputValue!;
    assert.equal(
      new URL(queueUrl).port,
      new URL(cloud.target.endpoint!).port,
      "the URL CloudFormation gives names the gateway's port, not an emulator's",
    );

    const lambda = new LambdaClient(clientConfig(cloud.target));
    const { FunctionError, Payload } = await lambda.send(
      new InvokeCommand({ FunctionName: StackName, Payload: JSON.stringify({ body: 'hello' }) }),
    );
    assert.equal(FunctionError, undefined, Buffer.from(Payload ?? []).toString());
    const { Messages = [] } = await new SQSClient(clientConfig(cloud.target)).send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    assert.deepEqual(
      Messages.map((m) => m.Body),
      ['hello'],
    );
    const logged = [...cloud.services.logs.groups.get(`/aws/lambda/${StackName}`)!.streams.values()]
      .flatMap((s) => s.events.map((e) => e.message))
      .join('\n');
    assert.doesNotMatch(logged, /differs from SQSClient resolved endpoint/, 'the SDK finds the queue URL on the endpoint it resolved');
    await cfn.send(new DeleteStackCommand({ StackName }));
    await waitForStack(cfn, stack.StackId!);
  });
});
