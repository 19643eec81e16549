import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { APIGatewayClient, GetAccountCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  type Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ListSubscriptionsCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { bootstrapTarget, waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';
import { type LabStackProps, lab2Stack, lab3Stack, lab4Stack, lab5Stack, synthesizeTemplate } from './lab-constructs.stacks.ts';

let cloud: TestCloud;
let cfn: CloudFormationClient;

before(async () => {
  cloud = await startTestCloud();
  cfn = new CloudFormationClient(clientConfig(cloud.target));
  await bootstrapTarget(cloud.target);
});
after(() => cloud.stop());

/** Everything a stack could leave behind, listed through the public APIs. */
async function inventory(): Promise<Record<string, string[]>> {
  const config = clientConfig(cloud.target);
  const [queues, topics, subs, functions, mappings, tables, streams, rules, alarms, groups, apis, roles, machines] = await Promise.all([
    new SQSClient(config).send(new ListQueuesCommand({})).then((r) => r.QueueUrls ?? []),
    new SNSClient(config).send(new ListTopicsCommand({})).then((r) => (r.Topics ?? []).map((t) => t.TopicArn!)),
    new SNSClient(config).send(new ListSubscriptionsCommand({})).then((r) => (r.Subscriptions ?? []).map((s) => s.SubscriptionArn!)),
    new LambdaClient(config).send(new ListFunctionsCommand({})).then((r) => (r.Functions ?? []).map((f) => f.FunctionName!)),
    new LambdaClient(config).send(new ListEventSourceMappingsCommand({})).then((r) => (r.EventSourceMappings ?? []).map((m) => m.UUID!)),
    new DynamoDBClient(config).send(new ListTablesCommand({})).then((r) => r.TableNames ?? []),
    new KinesisClient(config).send(new ListStreamsCommand({})).then((r) => r.StreamNames ?? []),
    new EventBridgeClient(config).send(new ListRulesCommand({})).then((r) => (r.Rules ?? []).map((x) => x.Name!)),
    new CloudWatchClient(config).send(new DescribeAlarmsCommand({})).then((r) => (r.MetricAlarms ?? []).map((a) => a.AlarmName!)),
    new CloudWatchLogsClient(config)
      .send(new DescribeLogGroupsCommand({}))
      .then((r) => (r.logGroups ?? []).map((g) => g.logGroupName!).filter((name) => !name.startsWith('/aws/lambda/'))),
    new APIGatewayClient(config).send(new GetRestApisCommand({})).then((r) => (r.items ?? []).map((a) => a.id!)),
    new IAMClient(config).send(new ListRolesCommand({})).then((r) => (r.Roles ?? []).map((x) => x.RoleName!)),
    new SFNClient(config).send(new ListStateMachinesCommand({})).then((r) => (r.stateMachines ?? []).map((m) => m.stateMachineArn!)),
  ]);
  return { queues, topics, subs, functions, mappings, tables, streams, rules, alarms, groups, apis, roles, machines };
}

/**
 * Deploys a lab's CDK stack, updates it with a one-line change, and destroys it; on the way,
 * `checks` look at what the first and the updated deploy made.
 */
async function roundTrip(
  factory: (app: any, props: LabStackProps) => any,
  checks: (variant: 0 | 1, stack: Stack, props: LabStackProps) => Promise<void>,
) {
  const stackName = uniqueName('labstack');
  const prefix = uniqueName('p');
  const before = await inventory();
  const first = synthesizeTemplate(factory, { stackName, prefix, variant: 0 });
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: first, Capabilities: ['CAPABILITY_IAM'] }));
  const created = await waitForStack(cfn, stackName);
  assert.equal(created.StackStatus, 'CREATE_COMPLETE', created.StackStatusReason);
  await checks(0, created, { stackName, prefix, variant: 0 });

  const second = synthesizeTemplate(factory, { stackName, prefix, variant: 1 });
  assert.notEqual(second, first);
  await cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: second, Capabilities: ['CAPABILITY_IAM'] }));
  const updated = await waitForStack(cfn, stackName);
  assert.equal(updated.StackStatus, 'UPDATE_COMPLETE', updated.StackStatusReason);
  await checks(1, updated, { stackName, prefix, variant: 1 });

  await cfn.send(new DeleteStackCommand({ StackName: stackName }));
  const deleted = await waitForStack(cfn, created.StackId!);
  assert.equal(deleted.StackStatus, 'DELETE_COMPLETE', deleted.StackStatusReason);
  assert.deepEqual(await inventory(), before, 'destroy leaves nothing behind');
}

describe('CloudFormation deploys what Labs 2 to 5 synthesize', () => {
  test('Lab 2: queues with DLQs, queue policies, raw filtered SQS subscriptions, SQS mappings, alarms, a log group', async () => {
    await roundTrip(lab2Stack, async (variant, _stack, { prefix }) => {
      const { services } = cloud;
      const sqs = new SQSClient(clientConfig(cloud.target));
      const url = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${prefix}-ExtraordinaryRidesServiceQueue` }))).QueueUrls![0];
      const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
      assert.equal(Attributes.VisibilityTimeout, variant === 0 ? '60' : '90');
      assert.equal(JSON.parse(Attributes.RedrivePolicy!).maxReceiveCount, 3);
      const policy = JSON.parse(Attributes.Policy!);
      assert.equal(policy.Statement[0].Action, 'sqs:SendMessage');
      assert.ok(JSON.stringify(policy.Statement[0].Condition).includes('aws:SourceArn'));
      const subscriptions = [...services.sns.store.subscriptions.values()].filter((s) => s.endpoint.includes(prefix));
      assert.equal(subscriptions.length, 3);
      assert.ok(subscriptions.every((s) => s.protocol === 'sqs' && s.attributes.RawMessageDelivery === 'true'));
      assert.equal(subscriptions.filter((s) => s.attributes.FilterPolicy).length, 1);
      const mappings = [...services.eventSourceMappings.mappings.values()].filter((m) => m.eventSourceArn.includes(prefix));
      assert.equal(mappings.length, 3);
      for (const m of mappings) {
        assert.deepEqual(
          [m.batchSize, m.maximumBatchingWindowInSeconds, m.functionResponseTypes, m.maximumConcurrency],
          [5, 1, ['ReportBatchItemFailures'], 2],
        );
      }
      const fn = services.lambda.functions.get(`${prefix}-CustomerAccountingService`)!;
      assert.equal(fn.reservedConcurrency, 5);
      const alarms = [...services.cloudWatch.alarms.values()].filter((a) =>
        Object.values(a.dimensions).some((v) => String(v).includes(prefix)),
      );
      assert.equal(alarms.length, 6);
      const audit = services.lambda.functions.get(`${prefix}-AuditService`)!;
      assert.equal(audit.logGroup, `/workshop/${prefix}/audit`);
      assert.equal(services.logs.groups.get(`/workshop/${prefix}/audit`)?.retentionInDays, 7);
    });
  });

  test('Lab 3: an API with a path parameter, a table with a sort key, ten Lambda subscribers, a response queue, a rule to a topic', async () => {
    await roundTrip(lab3Stack, async (variant, _stack, { prefix }) => {
      const { services } = cloud;
      const topic = [...services.sns.store.topics.values()].find((t) => t.name === `${prefix}-RequestForQuotesTopic`)!;
      assert.equal(services.sns.store.subscriptionsOf(topic.arn).filter((s) => s.protocol === 'lambda').length, 10);
      assert.equal(services.lambda.functions.get(`${prefix}-UnicornProvider7`)!.environment.DELAY_MS, variant === 0 ? '100' : '200');
      const api = [...services.apigateway.apis.values()].find((a) => a.name === `${prefix}-rfq`)!;
      const paths = [...api.resources.values()].map((r) => r.path).sort();
      assert.deepEqual(paths, ['/', '/query-instant-ride-rfq', '/query-instant-ride-rfq/{id}', '/submit-instant-ride-rfq']);
      const account = await new APIGatewayClient(clientConfig(cloud.target)).send(new GetAccountCommand({}));
      assert.match(String(account.cloudwatchRoleArn), /RfqApiCloudWatchRole/);
      const alerts = [...services.sns.store.topics.values()].find((t) => t.name === `${prefix}-RfqAlerts`)!;
      const policy = JSON.parse(alerts.attributes.Policy);
      assert.equal(policy.Statement[0].Principal.Service, 'events.amazonaws.com');
    });
  });

  test('Lab 4: a saga on Step Functions runs its success, credit-failure and refund-failure paths, and its definition updates in place', async () => {
    const config = clientConfig(cloud.target);
    const sfn = new SFNClient(config);
    let stateMachineArn: string | undefined;
    await roundTrip(lab4Stack, async (variant, _stack, { prefix }) => {
      if (variant === 1) {
        // The update keeps the machine's ARN: the definition changed in place, not by replacement.
        const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
        assert.equal(JSON.parse(described.definition!).Comment, 'Wild Rydes fare collection (v2)', 'updated in place');
        return;
      }
      const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
      stateMachineArn = stateMachines.find((m) => m.name === `${prefix}-FareProcessing`)?.stateMachineArn;
      assert.ok(stateMachineArn, 'the state machine has its CDK name');
      const execute = async (customerId: string, fareId: string) => {
        const input = JSON.stringify({
          customerId,
          fareId,
          fareAmount: '$20.00',
          cc: '2424 2424 2424 2424',
          expiryDate: '12/22',
          cvv: '111',
        });
        const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
        for (;;) {
          const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          if (execution.status !== 'RUNNING') return execution;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const fareStatus = async (fareId: string) =>
        (await new DynamoDBClient(config).send(new GetItemCommand({ TableName: `${prefix}-Fares`, Key: { fareId: { S: fareId } } }))).Item
          ?.fareStatus?.S;

      const ok = await execute('3', 'wr_563');
      assert.equal(ok.status, 'SUCCEEDED', ok.cause);
      assert.equal(await fareStatus('wr_563'), 'completed');

      const credit = await execute('3_fail_credit', 'wr_564');
      assert.equal(credit.status, 'FAILED');
      assert.equal(credit.error, 'FareProcessingFailed');
      assert.equal(await fareStatus('wr_564'), 'failed');

      // The refund fails too: the fare is parked on the failed-transactions queue instead of vanishing.
      const refund = await execute('3_fail_credit_fail_refund', 'wr_565');
      assert.equal(refund.status, 'FAILED');
      const sqs = new SQSClient(config);
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `${prefix}-FailedTransactions` }));
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const parked = Messages.map((m) => JSON.parse(m.Body!));
      assert.ok(
        parked.some((m) => m.fareId === 'wr_565' && m.refundError?.Error === 'RefundException'),
        JSON.stringify(parked),
      );
    });
  });

  test('Lab 5: an SNS FIFO topic to SQS FIFO queues, a Kinesis stream with two consumers and an on-failure queue', async () => {
    await roundTrip(lab5Stack, async (variant, _stack, { prefix }) => {
      const { services } = cloud;
      const topic = [...services.sns.store.topics.values()].find((t) => t.name === `${prefix}-RideEvents.fifo`)!;
      assert.equal(topic.attributes.FifoTopic, 'true');
      assert.equal(topic.attributes.ContentBasedDeduplication, 'true');
      assert.equal(services.sns.store.subscriptionsOf(topic.arn).length, 2);
      const mappings = [...services.eventSourceMappings.mappings.values()].filter((m) => m.eventSourceArn.includes(prefix));
      assert.equal(mappings.length, 2);
      const aggregator = mappings.find((m) => m.functionArn.endsWith('TelemetryAggregator'))!;
      assert.equal(aggregator.batchSize, variant === 0 ? 100 : 200);
      assert.equal(aggregator.stream?.startingPosition, 'TRIM_HORIZON');
      assert.equal(aggregator.stream?.bisectBatchOnFunctionError, true);
      assert.equal(aggregator.stream?.maximumRetryAttempts, 2);
      assert.match(String(aggregator.stream?.onFailure), new RegExp(`${prefix}-TelemetryFailures$`));
    });
  });
});
