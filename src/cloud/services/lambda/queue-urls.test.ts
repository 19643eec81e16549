import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { handlerZip, TEST_ROLE } from '../../testing/lambda-zip.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, uniqueName, type TestCloud } from '../../testing/test-cloud.ts';

let cloud: TestCloud;

before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

test("a function uses the URL of a queue CloudFormation made as it would on AWS (the SDK sends to the queue URL's host)", async () => {
  const cfn = new CloudFormationClient(clientConfig(cloud.target));
  const StackName = uniqueName('queue-url');
  const TemplateBody = JSON.stringify({ Resources: { Rides: { Type: 'AWS::SQS::Queue' } }, Outputs: { Url: { Value: { Ref: 'Rides' } } } });
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody }));
  const stack = await waitForStack(cfn, StackName);
  const queueUrl = stack.Outputs!.find((o) => o.OutputKey === 'Url')!.OutputValue!;
  assert.equal(new URL(queueUrl).port, String(cloud.port), `the queue URL ${queueUrl} names the cloud's endpoint`);

  // No endpoint in the client: inside a function the SDK takes AWS_ENDPOINT_URL, then the queue URL's origin.
  const source = `const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
    const sqs = new SQSClient({});
    exports.handler = async () => (await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: 'from a function' }))).MessageId;`;
  const lambda = new LambdaClient(clientConfig(cloud.target));
  const FunctionName = uniqueName('sender');
  await lambda.send(new CreateFunctionCommand({ FunctionName, Runtime: 'nodejs22.x', Role: TEST_ROLE, Handler: 'index.handler', Code: { ZipFile: handlerZip(source) }, Environment: { Variables: { QUEUE_URL: queueUrl } } }));
  const result = await lambda.send(new InvokeCommand({ FunctionName }));
  assert.equal(result.FunctionError, undefined, new TextDecoder().decode(result.Payload));
  const { Messages = [] } = await new SQSClient(clientConfig(cloud.target)).send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
  assert.deepEqual(Messages.map((m) => m.Body), ['from a function']);
});
