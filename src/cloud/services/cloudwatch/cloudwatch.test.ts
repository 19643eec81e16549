import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { handlerZip, TEST_ROLE } from '../../testing/lambda-zip.ts';
import { startTestCloud, uniqueName, type TestCloud } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let cloudwatch: CloudWatchClient;
before(async () => {
  cloud = await startTestCloud({ metricsIntervalMs: 100 });
  cloudwatch = new CloudWatchClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

const recent = () => ({ StartTime: new Date(Date.now() - 5 * 60_000), EndTime: new Date(Date.now() + 60_000) });

test('Lambda invocations and errors appear as AWS/Lambda metrics', async () => {
  const lambda = new LambdaClient(clientConfig(cloud.target));
  const FunctionName = uniqueName('metered');
  await lambda.send(new CreateFunctionCommand({ FunctionName, Runtime: 'nodejs22.x', Role: TEST_ROLE, Handler: 'index.handler', Code: { ZipFile: handlerZip('exports.handler = async (e) => { if (e.fail) throw new Error("no"); };') } }));
  for (const fail of [false, false, true]) await lambda.send(new InvokeCommand({ FunctionName, Payload: JSON.stringify({ fail }) }));
  const { MetricDataResults = [] } = await cloudwatch.send(
    new GetMetricDataCommand({
      ...recent(),
      MetricDataQueries: ['Invocations', 'Errors'].map((MetricName) => ({ Id: MetricName.toLowerCase(), MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName, Dimensions: [{ Name: 'FunctionName', Value: FunctionName }] }, Period: 3600, Stat: 'Sum' } })),
    }),
  );
  assert.deepEqual(MetricDataResults.map((r) => [r.Id, r.Values?.reduce((a, b) => a + b, 0)]), [['invocations', 3], ['errors', 1]]);
});

test('an alarm on queue depth goes to ALARM and notifies its SNS topic', async () => {
  const sqs = new SQSClient(clientConfig(cloud.target));
  const sns = new SNSClient(clientConfig(cloud.target));
  const QueueName = uniqueName('backlog');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('alarms') }));
  const { QueueUrl: inbox } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('inbox') }));
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: inbox, Attributes: { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: inboxArn }] }) } }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: inboxArn, Attributes: { RawMessageDelivery: 'true' } }));
  const AlarmName = uniqueName('backlog-alarm');
  await cloudwatch.send(new PutMetricAlarmCommand({ AlarmName, Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: QueueName }], Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [TopicArn!] }));
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
