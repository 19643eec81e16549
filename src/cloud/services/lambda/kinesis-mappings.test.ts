import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let kinesis: KinesisClient;
let lambda: LambdaClient;
before(async () => {
  cloud = await startTestCloud();
  kinesis = new KinesisClient(clientConfig(cloud.target));
  lambda = new LambdaClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

async function stream() {
  const StreamName = uniqueName('telemetry');
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
  return { StreamName, arn: StreamDescriptionSummary!.StreamARN! };
}

async function consumer(source: string) {
  const FunctionName = uniqueName('reader');
  await createTestFunction(lambda, FunctionName, source);
  return FunctionName;
}

const put = async (StreamName: string, values: string[]) => {
  for (const value of values)
    await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'unicorn-1', Data: new TextEncoder().encode(value) }));
};

async function logged(FunctionName: string, marker: string): Promise<string[]> {
  try {
    const { events = [] } = await new CloudWatchLogsClient(clientConfig(cloud.target)).send(
      new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FunctionName}`, filterPattern: JSON.stringify(marker) }),
    );
    return events.map((e) => e.message!.split('\t').pop()!);
  } catch {
    return [];
  }
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a Kinesis mapping delivers the records of a shard in order, from the trim horizon', async () => {
  const { StreamName, arn } = await stream();
  await put(StreamName, ['p1', 'p2', 'p3']);
  const fn = await consumer(
    `exports.handler = async (e) => { console.log('seen', e.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()).join(','), e.Records[0].eventSource); };`,
  );
  await lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON', BatchSize: 10 }),
  );
  await put(StreamName, ['p4']);
  const lines = await until(async () => {
    const all = await logged(fn, 'seen');
    return all.join(',').includes('p4') ? all : undefined;
  }, 'p4');
  assert.equal(lines.map((l) => l.replace(/^seen /, '').replace(/ aws:kinesis$/, '')).join(','), 'p1,p2,p3,p4');
});

test('a failing batch is bisected and retried, and what keeps failing goes to the on-failure destination', async () => {
  const { StreamName, arn } = await stream();
  const sqs = new SQSClient(clientConfig(cloud.target));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('stream-failures') }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await put(StreamName, ['ok-1', 'poison', 'ok-2', 'ok-3']);
  const fn = await consumer(
    `exports.handler = async (e) => { const values = e.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()); console.log('batch', values.join(',')); if (values.includes('poison')) throw new Error('bad ping'); console.log('done', values.join(',')); };`,
  );
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: fn,
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 4,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    }),
  );
  const record = await until(async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    return Messages[0] ? JSON.parse(Messages[0].Body!) : undefined;
  }, 'the failure record');
  assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(record.KinesisBatchInfo.batchSize, 1, 'bisected down to the poison record alone');
  const done = await until(async () => {
    const lines = await logged(fn, 'done');
    return lines.join(',').includes('ok-3') ? lines : undefined;
  }, 'the good records');
  assert.deepEqual(done.flatMap((l) => l.replace(/^done /, '').split(',')).sort(), ['ok-1', 'ok-2', 'ok-3']);
});
