import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let lambda: LambdaClient;
let sqs: SQSClient;
let logs: CloudWatchLogsClient;

before(async () => {
  cloud = await startTestCloud();
  lambda = new LambdaClient(clientConfig(cloud.target));
  sqs = new SQSClient(clientConfig(cloud.target));
  logs = new CloudWatchLogsClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string, ms = 8_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function queue(attributes: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('q'), Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { QueueUrl: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function consumer(source: string) {
  const FunctionName = uniqueName('consumer');
  await createTestFunction(lambda, FunctionName, source, { Timeout: 3 });
  return FunctionName;
}

async function count(QueueUrl: string, attribute: 'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible') {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [attribute] }));
  return Number(Attributes![attribute]);
}

async function lines(FunctionName: string, text: string) {
  try {
    const { events = [] } = await logs.send(
      new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FunctionName}`, filterPattern: JSON.stringify(text) }),
    );
    return events.map((e) => e.message!);
  } catch {
    return [];
  }
}

describe('SQS event source mappings', () => {
  test('delivers batches and deletes what succeeded', async () => {
    const q = await queue();
    const fn = await consumer(
      `exports.handler = async (e) => { console.log('batch', e.Records.length, e.Records.map((r) => r.body).join(','), e.Records[0].eventSource); };`,
    );
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: q.arn, BatchSize: 5 }));
    for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: `ride-${i}` }));
    await waitFor(
      async () => ((await lines(fn, 'aws:sqs')).join(' ').split('ride-').length - 1 >= 3 ? true : undefined),
      'three messages processed',
    );
    await waitFor(
      async () =>
        (await count(q.QueueUrl, 'ApproximateNumberOfMessages')) + (await count(q.QueueUrl, 'ApproximateNumberOfMessagesNotVisible')) === 0
          ? true
          : undefined,
      'queue drained',
    );
  });

  test('a failing consumer sends messages to the DLQ after maxReceiveCount', async () => {
    const dlq = await queue();
    const q = await queue({ VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
    const fn = await consumer(
      `exports.handler = async (e) => { console.log('failing', e.Records[0].attributes.ApproximateReceiveCount); throw new Error('boom'); };`,
    );
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: q.arn, BatchSize: 1 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: 'poison' }));
    await waitFor(
      async () => ((await count(dlq.QueueUrl, 'ApproximateNumberOfMessages')) === 1 ? true : undefined),
      'the message in the DLQ',
      10_000,
    );
    assert.equal((await lines(fn, 'failing')).length, 2, 'tried exactly maxReceiveCount times');
  });

  test('ReportBatchItemFailures returns only the failed messages', async () => {
    const q = await queue({ VisibilityTimeout: '1' });
    const fn = await consumer(
      `exports.handler = async (e) => { const failed = e.Records.filter((r) => r.body.startsWith('bad') && r.attributes.ApproximateReceiveCount === '1'); for (const r of e.Records) console.log('saw', r.body, r.attributes.ApproximateReceiveCount); return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) }; };`,
    );
    // Started before its first batch: a cold start longer than the 1 s visibility timeout would
    // redeliver the good messages too, as AWS would.
    await lambda.send(new InvokeCommand({ FunctionName: fn, Payload: JSON.stringify({ Records: [] }) }));
    for (const body of ['good-1', 'bad-1', 'good-2']) await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: body }));
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn,
        EventSourceArn: q.arn,
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    );
    await waitFor(async () => ((await lines(fn, 'saw bad-1 2')).length === 1 ? true : undefined), 'the failed message seen again', 10_000);
    assert.equal((await lines(fn, 'saw good-1')).length, 1, 'a succeeded message is not redelivered');
  });

  test('a disabled mapping leaves messages waiting; enabling drains them', async () => {
    const q = await queue();
    const fn = await consumer(`exports.handler = async (e) => { for (const r of e.Records) console.log('late', r.body); };`);
    const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: q.arn, Enabled: false }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: 'waiting' }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await count(q.QueueUrl, 'ApproximateNumberOfMessages'), 1);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: true }));
    await waitFor(async () => ((await lines(fn, 'late waiting')).length === 1 ? true : undefined), 'the waiting message processed');
  });

  test('a mapping switched off reads Disabling until no batch is with its function, and hides no message it did not deliver', async () => {
    const q = await queue();
    const fn = await consumer(`exports.handler = async (e) => { for (const r of e.Records) console.log('got', r.body); };`);
    const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: q.arn }));
    // Its pollers are waiting in long polls when it is switched off.
    await new Promise((r) => setTimeout(r, 200));
    const { State } = await lambda.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: false }));
    assert.equal(State, 'Disabling');
    await waitFor(
      async () => ((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State === 'Disabled' ? true : undefined),
      'the mapping Disabled',
      3_000,
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: 'after' }));
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(await count(q.QueueUrl, 'ApproximateNumberOfMessages'), 1, 'the message waits, visible');
    assert.equal(await count(q.QueueUrl, 'ApproximateNumberOfMessagesNotVisible'), 0, 'no stopped poller took it');
    assert.deepEqual(await lines(fn, 'got after'), []);
  });
});
