import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let cloudwatch: CloudWatchClient;
before(async () => {
  cloud = await startTestCloud({ metricsIntervalMs: 100 });
  cloudwatch = new CloudWatchClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

const recent = () => ({ StartTime: new Date(Date.now() - 5 * 60_000), EndTime: new Date(Date.now() + 60_000) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One statistic of an AWS/SQS metric of a queue over the last minutes, all periods together. */
async function sqsMetric(QueueName: string, MetricName: string, Stat: 'Sum' | 'Maximum'): Promise<number | undefined> {
  const { MetricDataResults = [] } = await cloudwatch.send(
    new GetMetricDataCommand({
      ...recent(),
      MetricDataQueries: [
        {
          Id: 'q',
          MetricStat: {
            Metric: { Namespace: 'AWS/SQS', MetricName, Dimensions: [{ Name: 'QueueName', Value: QueueName }] },
            Period: 3600,
            Stat,
          },
        },
      ],
    }),
  );
  return MetricDataResults[0]?.Values?.[0];
}

async function waitForAlarmState(AlarmName: string, expected: string): Promise<string | undefined> {
  let state: string | undefined;
  for (let i = 0; i < 100 && state !== expected; i++) {
    state = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [AlarmName] }))).MetricAlarms?.[0]?.StateValue;
    if (state !== expected) await sleep(50);
  }
  return state;
}

test('Lambda invocations and errors appear as AWS/Lambda metrics', async () => {
  const lambda = new LambdaClient(clientConfig(cloud.target));
  const FunctionName = uniqueName('metered');
  await createTestFunction(lambda, FunctionName, 'exports.handler = async (e) => { if (e.fail) throw new Error("no"); };');
  for (const fail of [false, false, true]) await lambda.send(new InvokeCommand({ FunctionName, Payload: JSON.stringify({ fail }) }));
  const { MetricDataResults = [] } = await cloudwatch.send(
    new GetMetricDataCommand({
      ...recent(),
      MetricDataQueries: ['Invocations', 'Errors'].map((MetricName) => ({
        Id: MetricName.toLowerCase(),
        MetricStat: {
          Metric: { Namespace: 'AWS/Lambda', MetricName, Dimensions: [{ Name: 'FunctionName', Value: FunctionName }] },
          Period: 3600,
          Stat: 'Sum',
        },
      })),
    }),
  );
  assert.deepEqual(
    MetricDataResults.map((r) => [r.Id, r.Values?.reduce((a, b) => a + b, 0)]),
    [
      ['invocations', 3],
      ['errors', 1],
    ],
  );
});

test('Step Functions executions started, succeeded and failed appear as AWS/States metrics of their state machine', async () => {
  const sfn = new SFNClient(clientConfig(cloud.target));
  const { Role } = await new IAMClient(clientConfig(cloud.target)).send(
    new CreateRoleCommand({
      RoleName: uniqueName('states-role'),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  // Succeeds unless its input says fail.
  const definition = {
    StartAt: 'Decide',
    States: {
      Decide: { Type: 'Choice', Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Fail' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
      Fail: { Type: 'Fail', Error: 'FareDeclined' },
    },
  };
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name: uniqueName('metered'), definition: JSON.stringify(definition), roleArn: Role!.Arn! }),
  );
  const executions = await Promise.all(
    [false, false, true].map((fail) => sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ fail }) }))),
  );
  for (const { executionArn } of executions) {
    for (let i = 0; i < 100 && (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING'; i++) await sleep(20);
  }
  const metrics = ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsAborted'];
  const { MetricDataResults = [] } = await cloudwatch.send(
    new GetMetricDataCommand({
      ...recent(),
      MetricDataQueries: metrics.map((MetricName) => ({
        Id: MetricName.toLowerCase(),
        MetricStat: {
          Metric: { Namespace: 'AWS/States', MetricName, Dimensions: [{ Name: 'StateMachineArn', Value: stateMachineArn! }] },
          Period: 3600,
          Stat: 'Sum',
        },
      })),
    }),
  );
  assert.deepEqual(
    MetricDataResults.map((r) => [r.Id, r.Values?.reduce((a, b) => a + b, 0) ?? 0]),
    [
      ['executionsstarted', 3],
      ['executionssucceeded', 2],
      ['executionsfailed', 1],
      ['executionsaborted', 0],
    ],
  );
});

test('an alarm on queue depth goes to ALARM and notifies its SNS topic', async () => {
  const sqs = new SQSClient(clientConfig(cloud.target));
  const sns = new SNSClient(clientConfig(cloud.target));
  const QueueName = uniqueName('backlog');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('alarms') }));
  const { QueueUrl: inbox } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('inbox') }));
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: inbox,
      Attributes: {
        Policy: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: inboxArn }],
        }),
      },
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: inboxArn, Attributes: { RawMessageDelivery: 'true' } }));
  const AlarmName = uniqueName('backlog-alarm');
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: QueueName }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [TopicArn!],
    }),
  );
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
  let state: string | undefined;
  for (let i = 0; i < 100 && state !== 'ALARM'; i++) {
    state = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [AlarmName] }))).MetricAlarms?.[0]?.StateValue;
    if (state !== 'ALARM') await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(state, 'ALARM');
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox, WaitTimeSeconds: 1 }));
  assert.equal(JSON.parse(Messages[0].Body!).NewStateValue, 'ALARM');
});

test('SQS sends, receives, deletes and empty receives are counted as AWS/SQS metrics', async () => {
  const sqs = new SQSClient(clientConfig(cloud.target));
  const QueueName = uniqueName('counted');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'ride-1' }));
  await sqs.send(
    new SendMessageCommand({ QueueUrl, MessageBody: 'ride-22', MessageAttributes: { kind: { DataType: 'String', StringValue: 'fare' } } }),
  );
  const received = [];
  while (received.length < 2)
    received.push(...((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? []));
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received[0].ReceiptHandle }));
  assert.equal(
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages,
    undefined,
    'the second message is in flight: an empty receive',
  );

  assert.equal(await sqsMetric(QueueName, 'NumberOfMessagesSent', 'Sum'), 2);
  assert.equal(await sqsMetric(QueueName, 'NumberOfMessagesReceived', 'Sum'), 2);
  assert.equal(await sqsMetric(QueueName, 'NumberOfMessagesDeleted', 'Sum'), 1);
  assert.equal(await sqsMetric(QueueName, 'NumberOfEmptyReceives', 'Sum'), 1);
  // Body bytes plus the attribute's name, type and value: 6 + (7 + 4 + 6 + 4).
  assert.equal(await sqsMetric(QueueName, 'SentMessageSize', 'Sum'), 27);
  assert.equal(await sqsMetric(QueueName, 'SentMessageSize', 'Maximum'), 21);
});

test('the age of the oldest message grows while it waits', async () => {
  const sqs = new SQSClient(clientConfig(cloud.target));
  const QueueName = uniqueName('aging');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
  await sleep(300);
  const young = await sqsMetric(QueueName, 'ApproximateAgeOfOldestMessage', 'Maximum');
  assert.equal(young, 0, 'sampled before a second has passed');
  let age: number | undefined;
  for (let i = 0; i < 40 && !(age! >= 2); i++) {
    await sleep(100);
    age = await sqsMetric(QueueName, 'ApproximateAgeOfOldestMessage', 'Maximum');
  }
  assert.ok(age! >= 2, `the oldest message is at least 2 s old (got ${age})`);
});

test('an alarm on the visible messages of a dead-letter queue goes to ALARM once messages dead-letter', async () => {
  const sqs = new SQSClient(clientConfig(cloud.target));
  const dlqName = uniqueName('rides-dlq');
  const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: dlqName }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: uniqueName('rides'),
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
    }),
  );
  const AlarmName = uniqueName('dead-letters');
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: dlqName }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    }),
  );
  for (const body of ['bad-1', 'bad-2']) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  assert.equal(await waitForAlarmState(AlarmName, 'OK'), 'OK', 'an empty DLQ is OK');
  // A consumer that never deletes: each message is received once, then the next receive dead-letters it.
  for (let i = 0; i < 4; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  assert.equal(await waitForAlarmState(AlarmName, 'ALARM'), 'ALARM');
  assert.equal(await sqsMetric(dlqName, 'ApproximateNumberOfMessagesVisible', 'Maximum'), 2);
  assert.equal(
    await sqsMetric(dlqName, 'NumberOfMessagesSent', 'Sum'),
    0,
    'messages dead-lettered by receives are not counted as sent to the DLQ',
  );
});

test('alarms carry a description and tags: set on creation, kept by an update, changed by TagResource and UntagResource', async () => {
  const AlarmName = uniqueName('parked-refunds');
  const alarm = {
    AlarmName,
    AlarmDescription: 'A refund waits for a human.',
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: 'refunds' }],
    Statistic: 'Maximum' as const,
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
  };
  await cloudwatch.send(new PutMetricAlarmCommand({ ...alarm, Tags: [{ Key: 'team', Value: 'payments' }] }));
  const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [AlarmName] }));
  assert.equal(MetricAlarms[0].AlarmDescription, 'A refund waits for a human.');
  const ResourceARN = MetricAlarms[0].AlarmArn!;
  const tags = async () => (await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN }))).Tags;
  assert.deepEqual(await tags(), [{ Key: 'team', Value: 'payments' }]);
  // As on AWS, PutMetricAlarm on an existing alarm ignores Tags.
  await cloudwatch.send(new PutMetricAlarmCommand({ ...alarm, Tags: [{ Key: 'team', Value: 'ignored' }] }));
  assert.deepEqual(await tags(), [{ Key: 'team', Value: 'payments' }]);
  await cloudwatch.send(
    new TagResourceCommand({
      ResourceARN,
      Tags: [
        { Key: 'team', Value: 'refunds' },
        { Key: 'lab', Value: '4' },
      ],
    }),
  );
  await cloudwatch.send(new UntagResourceCommand({ ResourceARN, TagKeys: ['lab'] }));
  assert.deepEqual(await tags(), [{ Key: 'team', Value: 'refunds' }]);
  await assert.rejects(cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: `${ResourceARN}-gone` })), ResourceNotFoundException);
});

test('GetMetricData evaluates SUM(METRICS()), m1+m2 and m1/m2*100, and refuses other expressions by name', async () => {
  const Namespace = uniqueName('Workshop/Rides');
  const Timestamp = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
  await cloudwatch.send(
    new PutMetricDataCommand({
      Namespace,
      MetricData: [
        { MetricName: 'Errors', Value: 1, Timestamp },
        { MetricName: 'Requests', Value: 3, Timestamp },
        { MetricName: 'Requests', Value: 1, Timestamp },
      ],
    }),
  );
  const stat = (MetricName: string) => ({ Metric: { Namespace, MetricName }, Period: 60, Stat: 'Sum' });
  const range = { StartTime: new Date(Timestamp.getTime() - 5 * 60_000), EndTime: new Date(Timestamp.getTime() + 60_000) };
  const { MetricDataResults = [] } = await cloudwatch.send(
    new GetMetricDataCommand({
      ...range,
      MetricDataQueries: [
        { Id: 'm1', MetricStat: stat('Errors'), ReturnData: false },
        { Id: 'm2', MetricStat: stat('Requests'), ReturnData: false },
        { Id: 'total', Expression: 'SUM(METRICS())', Label: 'All' },
        { Id: 'plus', Expression: 'm1+m2' },
        { Id: 'rate', Expression: 'm1/m2*100', Label: 'Error rate (%)' },
      ],
    }),
  );
  assert.deepEqual(
    MetricDataResults.map((r) => [r.Id, r.Label, r.Values]),
    [
      ['total', 'All', [5]],
      ['plus', 'plus', [5]],
      ['rate', 'Error rate (%)', [25]],
    ],
  );
  assert.equal(MetricDataResults[0].Timestamps?.[0]?.getTime(), Timestamp.getTime(), 'datapoints keep their periods');
  await assert.rejects(
    cloudwatch.send(
      new GetMetricDataCommand({
        ...range,
        MetricDataQueries: [
          { Id: 'm1', MetricStat: stat('Errors'), ReturnData: false },
          { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m1)' },
        ],
      }),
    ),
    (error: Error) => error.name === 'ValidationException' && /band/.test(error.message) && /ANOMALY_DETECTION_BAND/.test(error.message),
  );
});
