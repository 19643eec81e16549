import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient, PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import type { Activity } from '../../activity/stream.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';
import { throttleDelay } from './service.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

test('a failing asynchronous invocation is retried by Lambda, then sent to the on-failure destination', async () => {
  const lambda = new LambdaClient(clientConfig(cloud.target));
  const sqs = new SQSClient(clientConfig(cloud.target));
  const logs = new CloudWatchLogsClient(clientConfig(cloud.target));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('failures') }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const FunctionName = uniqueName('flaky');
  await createTestFunction(
    lambda,
    FunctionName,
    `exports.handler = async (e) => { console.log('attempt', e.ride); throw new Error('payment service down'); };`,
  );
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName,
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    }),
  );
  const { StatusCode } = await lambda.send(
    new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: JSON.stringify({ ride: 'r-1' }) }),
  );
  assert.equal(StatusCode, 202);

  let record: any;
  for (let i = 0; i < 100 && !record; i++) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    if (Messages[0]) record = JSON.parse(Messages[0].Body!);
    else await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(record, 'no invocation record in the on-failure queue');
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 2);
  assert.deepEqual(record.requestPayload, { ride: 'r-1' });
  assert.equal(record.responsePayload.errorMessage, 'payment service down');
  const { events = [] } = await logs.send(
    new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FunctionName}`, filterPattern: '"attempt r-1"' }),
  );
  assert.equal(events.length, 2, 'one invocation and one retry');
});

test('a throttled asynchronous invocation is kept and retried, backing off, until it runs', async () => {
  const lambda = new LambdaClient(clientConfig(cloud.target));
  const FunctionName = uniqueName('narrow');
  await createTestFunction(
    lambda,
    FunctionName,
    `exports.handler = async (e) => { console.log('ran', e.n); await new Promise((r) => setTimeout(r, 300)); };`,
  );
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: 1 }));
  const seen: Activity[] = [];
  const stop = cloud.services.activity.subscribe((a) => {
    if (a.resource.endsWith(`:${FunctionName}`)) seen.push(a);
  });
  for (const n of [1, 2, 3])
    await lambda.send(new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: JSON.stringify({ n }) }));
  for (let i = 0; i < 200 && seen.filter((a) => a.type === 'invoked').length < 3; i++) await new Promise((r) => setTimeout(r, 25));
  stop();
  assert.equal(seen.filter((a) => a.type === 'invoked').length, 3, 'every event ran in the end');
  assert.ok(
    seen.some((a) => a.type === 'throttled'),
    'one at a time: the others were throttled first',
  );
});

test('throttled retries wait from the first retry delay, doubling, to five of them', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => throttleDelay(n, 1_000)),
    [1_000, 2_000, 4_000, 5_000, 5_000, 5_000],
  );
});
