import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { createTestFunction, handlerZip, TEST_ROLE } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let lambda: LambdaClient;
let logs: CloudWatchLogsClient;
const decode = (payload?: Uint8Array) => JSON.parse(new TextDecoder().decode(payload));

async function createFunction(source: string, extra: Record<string, unknown> = {}) {
  const FunctionName = uniqueName('fn');
  await createTestFunction(lambda, FunctionName, source, extra);
  return FunctionName;
}

before(async () => {
  cloud = await startTestCloud();
  lambda = new LambdaClient(clientConfig(cloud.target));
  logs = new CloudWatchLogsClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

describe('Lambda', () => {
  test('invokes a handler with its own environment and returns its result', async () => {
    const name = await createFunction(
      `exports.handler = async (event) => ({ got: event.x, greeting: process.env.GREETING, region: process.env.AWS_REGION, fn: process.env.AWS_LAMBDA_FUNCTION_NAME, leaked: process.env.HOME });`,
      {
        Environment: { Variables: { GREETING: 'hello' } },
      },
    );
    const result = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ x: 42 }) }));
    assert.equal(result.FunctionError, undefined);
    assert.deepEqual(decode(result.Payload), { got: 42, greeting: 'hello', region: 'us-east-1', fn: name });
  });

  test('reports an unhandled error as AWS does', async () => {
    const name = await createFunction(
      `exports.handler = async () => { const e = new Error('card declined'); e.name = 'PaymentChargeException'; throw e; };`,
    );
    const result = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }));
    assert.equal(result.FunctionError, 'Unhandled');
    const payload = decode(result.Payload);
    assert.equal(payload.errorType, 'PaymentChargeException');
    assert.equal(payload.errorMessage, 'card declined');
  });

  test('kills an invocation that exceeds the timeout', async () => {
    const name = await createFunction(`exports.handler = () => new Promise(() => {});`, { Timeout: 1 });
    const result = await lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(result.FunctionError, 'Unhandled');
    assert.match(decode(result.Payload).errorMessage, /Task timed out after 1\.00 seconds/);
  });

  test('writes START/END/REPORT and console lines to CloudWatch Logs, cold start first', async () => {
    const name = await createFunction(`exports.handler = async (e) => { console.log('processing', e.id); return 'ok'; };`);
    await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ id: 'first-call' }) }));
    await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ id: 'second-call' }) }));
    const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}` }));
    const lines = events.map((e) => e.message ?? '');
    assert.equal(lines.filter((l) => l.startsWith('INIT_START')).length, 1, 'one cold start, then a warm environment');
    assert.equal(lines.filter((l) => l.startsWith('REPORT RequestId')).length, 2);
    assert.ok(lines.some((l) => /\tINFO\tprocessing first-call$/.test(l)));
    assert.ok(lines.find((l) => l.startsWith('REPORT'))!.includes('Init Duration'));
  });

  test('a configuration change starts a new environment with the new environment variables', async () => {
    const name = await createFunction(`exports.handler = async () => process.env.COLOR;`, { Environment: { Variables: { COLOR: 'red' } } });
    assert.equal(decode((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), 'red');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { COLOR: 'blue' } } }));
    assert.equal(decode((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), 'blue');
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    assert.deepEqual(config.Environment?.Variables, { COLOR: 'blue' });
  });

  test('reserved concurrency of 0 throttles', async () => {
    const name = await createFunction(`exports.handler = async () => 1;`);
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: name })), TooManyRequestsException);
  });

  test('refuses runtimes it cannot run, naming them', async () => {
    await assert.rejects(
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: uniqueName('py'),
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'index.handler',
          Code: { ZipFile: handlerZip('') },
        }),
      ),
      /python3\.12 is not supported/,
    );
  });

  test("a handler can use the queue URL it is given: the SDK sends to the URL's own host (sqs.<region>.localhost), which resolves to loopback", async () => {
    const sqs = new SQSClient(clientConfig(cloud.target));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('handed-over') }));
    assert.match(QueueUrl!, /^http:\/\/sqs\.us-east-1\.localhost:/);
    // No endpoint in the handler's client: it comes from AWS_ENDPOINT_URL, as in the labs' functions.
    const name = await createFunction(
      `const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
      const sqs = new SQSClient({});
      exports.handler = async (e) => (await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: e.body }))).MessageId;`,
      { Environment: { Variables: { QUEUE_URL: QueueUrl! } } },
    );
    const result = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ body: 'from the handler' }) }));
    assert.equal(result.FunctionError, undefined, new TextDecoder().decode(result.Payload));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.deepEqual(
      Messages.map((m) => [m.MessageId, m.Body]),
      [[decode(result.Payload), 'from the handler']],
    );
  });

  test('refuses reserved environment variables, as AWS does', async () => {
    await assert.rejects(
      createFunction('exports.handler = async () => 1;', { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }),
      /Reserved keys used in this request: AWS_REGION/,
    );
  });
});
