import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import type { Activity } from '../../activity/stream.ts';
import { startCloud } from '../../cloud.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let sfn: SFNClient;
let lambda: LambdaClient;
let iam: IAMClient;
let sqs: SQSClient;
let sns: SNSClient;
let dynamodb: DynamoDBClient;

before(async () => {
  cloud = await startTestCloud({ stepFunctionsTimeScale: 0.01 });
  const config = clientConfig(cloud.target);
  sfn = new SFNClient(config);
  lambda = new LambdaClient(config);
  iam = new IAMClient(config);
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
  dynamodb = new DynamoDBClient(config);
});
after(() => cloud.stop());

/** A role Step Functions may assume, allowed `actions` on everything. */
async function roleAllowing(actions: string[], service = 'states.amazonaws.com'): Promise<string> {
  const RoleName = uniqueName('role');
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  if (actions.length > 0) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: 'allow',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
      }),
    );
  }
  return Role!.Arn!;
}

async function createFunction(source: string): Promise<string> {
  const FunctionName = uniqueName('fn');
  const FunctionArn = await createTestFunction(lambda, FunctionName, source);
  return FunctionArn!;
}

async function createMachine(definition: object, roleArn: string): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name: uniqueName('machine'), definition: JSON.stringify(definition), roleArn }),
  );
  return stateMachineArn!;
}

async function waitForEnd(executionArn: string, timeoutMs = 10_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    if (Date.now() > deadline) assert.fail(`execution ${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function run(stateMachineArn: string, input: unknown) {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  const execution = await waitForEnd(executionArn!);
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return { execution, events, types: events.map((e) => e.type) };
}

async function queueWithPolicy(publisher: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('q') }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const Policy = JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': publisher } },
      },
    ],
  });
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
  return { QueueUrl: QueueUrl!, queueArn };
}

const receive = async (QueueUrl: string, WaitTimeSeconds = 2) =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds, MessageAttributeNames: ['All'] })))
    .Messages ?? [];

describe('Step Functions: state machines', () => {
  test('create, describe, list executions and delete', async () => {
    const roleArn = await roleAllowing([]);
    const definition = { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { greeting: 'hi' }, End: true } } };
    const arn = await createMachine(definition, roleArn);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    assert.equal(described.status, 'ACTIVE');
    assert.equal(described.type, 'STANDARD');
    assert.deepEqual(JSON.parse(described.definition!), definition);
    const { execution } = await run(arn, {});
    assert.equal(execution.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(execution.output!), { greeting: 'hi' });
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    assert.equal(executions.length, 1);
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await assert.rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })), { name: 'StateMachineDoesNotExist' });
  });

  test('refuses invalid definitions, unsupported resources by name, and roles it cannot assume', async () => {
    const roleArn = await roleAllowing([]);
    const create = (definition: unknown, role = roleArn) =>
      sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('bad'),
          definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
          roleArn: role,
        }),
      );
    await assert.rejects(create('{ not json'), InvalidDefinition);
    await assert.rejects(create({ StartAt: 'Missing', States: { A: { Type: 'Pass', End: true } } }), InvalidDefinition);
    await assert.rejects(
      create({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', End: true } } }),
      /glue:startJobRun/,
    );
    await assert.rejects(
      create({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:listBuckets', End: true } } }),
      /does not run the integration/,
    );
    const untrusted = await roleAllowing([], 'lambda.amazonaws.com');
    await assert.rejects(create({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, untrusted), {
      name: 'AccessDeniedException',
    });
    const arn = await createMachine({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, roleArn);
    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: 'not json' })), {
      name: 'InvalidExecutionInput',
    });
    await assert.rejects(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ big: 'x'.repeat(262_144) }) })),
      { name: 'ValidationException' },
    );
    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'has space' })), { name: 'InvalidName' });
    await assert.rejects(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${arn.replace(':stateMachine:', ':execution:')}:missing` })),
      { name: 'ExecutionDoesNotExist' },
    );
  });
});

describe('Step Functions: executions', () => {
  test('Choice, Wait, Parallel and Map run as ASL says, with AWS history event types', async () => {
    const roleArn = await roleAllowing(['lambda:InvokeFunction']);
    const double = await createFunction('exports.handler = async (n) => n * 2;');
    const arn = await createMachine(
      {
        StartAt: 'Route',
        States: {
          Route: { Type: 'Choice', Choices: [{ Variable: '$.fare', NumericGreaterThanEquals: 50, Next: 'Pause' }], Default: 'Cheap' },
          Cheap: { Type: 'Fail', Error: 'TooCheap', Cause: 'fare below 50' },
          Pause: { Type: 'Wait', Seconds: 5, Next: 'Both' },
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Doubled',
                States: {
                  Doubled: {
                    Type: 'Map',
                    ItemsPath: '$.legs',
                    ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: double, End: true } } },
                    End: true,
                  },
                },
              },
              { StartAt: 'Echo', States: { Echo: { Type: 'Pass', InputPath: '$.fare', End: true } } },
            ],
            End: true,
          },
        },
      },
      roleArn,
    );
    const ok = await run(arn, { fare: 60, legs: [1, 2, 3] });
    assert.equal(ok.execution.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(ok.execution.output!), [[2, 4, 6], 60]);
    for (const type of [
      'ExecutionStarted',
      'ChoiceStateEntered',
      'WaitStateEntered',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'PassStateEntered',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]) {
      assert.ok(ok.types.includes(type as never), `history has ${type}: ${ok.types.join(', ')}`);
    }
    assert.equal(ok.types.filter((t) => t === 'LambdaFunctionSucceeded').length, 3);
    const entered = ok.types.indexOf('MapStateEntered');
    assert.ok(entered < ok.types.indexOf('LambdaFunctionScheduled'), 'a task is scheduled after its state was entered');
    assert.deepEqual(
      ok.events.map((e) => e.id),
      ok.events.map((_, i) => i + 1),
    );

    const cheap = await run(arn, { fare: 10, legs: [] });
    assert.equal(cheap.execution.status, 'FAILED');
    assert.equal(cheap.execution.error, 'TooCheap');
    assert.equal(cheap.execution.cause, 'fare below 50');
    assert.deepEqual(cheap.types.slice(-2), ['FailStateEntered', 'ExecutionFailed']);
  });

  test('a saga: service integrations, Retry, Catch and compensation, as Lab 4 builds it', async () => {
    const roleArn = await roleAllowing(['lambda:InvokeFunction', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sns:Publish']);
    const TableName = uniqueName('Fares');
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'fareId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'fareId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const failing = (suffix: string, errorName: string) =>
      `if (String(event.customerId).endsWith('${suffix}')) { const e = new Error('${suffix} for ' + event.customerId); e.name = '${errorName}'; throw e; }`;
    // The charge fails once for "_flaky" customers, then succeeds: Retry must absorb it.
    const charge = await createFunction(
      `let calls = 0; exports.handler = async (event) => { ${failing('_fail_auth', 'PaymentAuthException')} if (String(event.customerId).endsWith('_flaky') && calls++ === 0) { const e = new Error('try again'); e.name = 'PaymentChargeException'; throw e; } return { chargeId: 'ch_' + event.fareId }; };`,
    );
    const credit = await createFunction(
      `exports.handler = async (event) => { ${failing('_fail_credit', 'AccountCreditException')} return 'credited'; };`,
    );
    const refund = await createFunction(`exports.handler = async (event) => 'refunded';`);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('fare-processing') }));
    const successful = await queueWithPolicy(TopicArn!);
    const failed = await queueWithPolicy(TopicArn!);
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: successful.queueArn,
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ IsSuccessful: ['true'] }) },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: failed.queueArn,
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ IsSuccessful: ['false'] }) },
      }),
    );
    const setStatus = (status: string, next: string) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName,
        Key: { fareId: { 'S.$': '$.fareId' } },
        UpdateExpression: 'SET fareStatus = :s',
        ExpressionAttributeValues: { ':s': { S: status } },
      },
      ResultPath: null,
      Next: next,
    });
    const notify = (successful: boolean, next: string) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: {
        TopicArn,
        'Message.$': '$',
        MessageAttributes: { IsSuccessful: { DataType: 'String', StringValue: String(successful) } },
      },
      ResultPath: null,
      Next: next,
    });
    const arn = await createMachine(
      {
        StartAt: 'RegisterFare',
        States: {
          RegisterFare: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: {
              TableName,
              Item: { fareId: { 'S.$': '$.fareId' }, customerId: { 'S.$': '$.customerId' }, fareStatus: { S: 'new' } },
            },
            Retry: [{ ErrorEquals: ['DynamoDB.ProvisionedThroughputExceededException'], MaxAttempts: 3 }],
            ResultPath: null,
            Next: 'ChargeFare',
          },
          ChargeFare: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: charge, 'Payload.$': '$' },
            ResultSelector: { 'chargeId.$': '$.Payload.chargeId' },
            ResultPath: '$.charge',
            Retry: [{ ErrorEquals: ['PaymentChargeException'], MaxAttempts: 2, IntervalSeconds: 1 }],
            Catch: [
              { ErrorEquals: ['PaymentAuthException', 'PaymentChargeException'], ResultPath: '$.error', Next: 'SetFareStatusFailed' },
            ],
            Next: 'CreditCustomerAccount',
          },
          CreditCustomerAccount: {
            Type: 'Task',
            Resource: credit,
            ResultPath: null,
            Catch: [{ ErrorEquals: ['AccountCreditException'], ResultPath: '$.error', Next: 'RefundFare' }],
            Next: 'SetFareStatusCompleted',
          },
          SetFareStatusCompleted: setStatus('completed', 'NotifySuccess'),
          NotifySuccess: notify(true, 'Done'),
          Done: { Type: 'Succeed' },
          RefundFare: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: refund, 'Payload.$': '$' },
            ResultPath: null,
            Next: 'SetFareStatusFailed',
          },
          SetFareStatusFailed: setStatus('failed', 'NotifyFailure'),
          NotifyFailure: notify(false, 'FareProcessingFailed'),
          FareProcessingFailed: { Type: 'Fail', Error: 'FareProcessingFailed', Cause: 'The fare could not be collected.' },
        },
      },
      roleArn,
    );
    const fare = (customerId: string, fareId: string) => ({
      customerId,
      fareId,
      fareAmount: '$20.00',
      cc: '2424 2424 2424 2424',
      expiryDate: '12/22',
      cvv: '111',
    });
    const status = async (fareId: string) =>
      (await dynamodb.send(new GetItemCommand({ TableName, Key: { fareId: { S: fareId } } }))).Item?.fareStatus?.S;

    const ok = await run(arn, fare('3_flaky', 'wr_563'));
    assert.equal(ok.execution.status, 'SUCCEEDED', ok.execution.cause);
    assert.equal(JSON.parse(ok.execution.output!).charge.chargeId, 'ch_wr_563');
    assert.equal(await status('wr_563'), 'completed');
    assert.equal(ok.types.filter((t) => t === 'TaskFailed').length, 1, 'the flaky charge failed once');
    assert.equal(ok.types.filter((t) => t === 'TaskScheduled').length, 5, 'putItem, charge twice (retry), updateItem, publish');
    const scheduled = ok.events.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    assert.equal(scheduled.resourceType, 'dynamodb');
    assert.equal(scheduled.resource, 'putItem');
    const [success] = await receive(successful.QueueUrl);
    assert.equal(JSON.parse(success.Body!).fareId, 'wr_563');
    assert.equal(success.MessageAttributes?.IsSuccessful?.StringValue, 'true');

    const auth = await run(arn, fare('3_fail_auth', 'wr_564'));
    assert.equal(auth.execution.status, 'FAILED');
    assert.equal(auth.execution.error, 'FareProcessingFailed');
    assert.equal(await status('wr_564'), 'failed');
    const caught = auth.events.find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails!;
    assert.equal(caught.error, 'PaymentAuthException');
    assert.equal(JSON.parse(caught.cause!).errorMessage, '_fail_auth for 3_fail_auth');

    const creditFailure = await run(arn, fare('3_fail_credit', 'wr_565'));
    assert.equal(creditFailure.execution.status, 'FAILED');
    assert.ok(creditFailure.types.includes('LambdaFunctionFailed'), 'the credit function (a bare Lambda ARN) failed');
    const states = creditFailure.events.filter((e) => e.type!.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name);
    assert.deepEqual(states, [
      'RegisterFare',
      'ChargeFare',
      'CreditCustomerAccount',
      'RefundFare',
      'SetFareStatusFailed',
      'NotifyFailure',
      'FareProcessingFailed',
    ]);
    const failures = await receive(failed.QueueUrl);
    assert.deepEqual(failures.map((m) => JSON.parse(m.Body!).fareId).sort(), ['wr_564', 'wr_565']);
  });

  test("a task fails when the state machine's role does not allow the call", async () => {
    const roleArn = await roleAllowing(['sns:Publish']);
    const fn = await createFunction('exports.handler = async () => "never";');
    const arn = await createMachine(
      {
        StartAt: 'Call',
        States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fn }, End: true } },
      },
      roleArn,
    );
    const { execution, events } = await run(arn, {});
    assert.equal(execution.status, 'FAILED');
    assert.equal(execution.error, 'Lambda.AWSLambdaException');
    assert.match(execution.cause!, /not authorized to perform: lambda:InvokeFunction/);
    assert.ok(events.some((e) => e.type === 'TaskFailed'));
  });

  test('the callback pattern: .waitForTaskToken through SQS, then SendTaskSuccess or SendTaskFailure', async () => {
    const roleArn = await roleAllowing(['sqs:SendMessage']);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('approvals') }));
    const arn = await createMachine(
      {
        StartAt: 'AskForApproval',
        States: {
          AskForApproval: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl, MessageBody: { 'fareId.$': '$.fareId', 'token.$': '$$.Task.Token' } },
            ResultPath: '$.approval',
            End: true,
          },
        },
      },
      roleArn,
    );
    const start = async (fareId: string) =>
      (await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ fareId }) }))).executionArn!;
    const take = async () => {
      const [message] = await receive(QueueUrl!, 5);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      return JSON.parse(message.Body!);
    };

    const approved = await start('wr_1');
    const first = await take();
    assert.equal(first.fareId, 'wr_1');
    assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: approved }))).status, 'RUNNING', 'it waits for the token');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: first.token, output: JSON.stringify({ approvedBy: 'ops' }) }));
    const done = await waitForEnd(approved);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(done.output!).approval, { approvedBy: 'ops' });
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: approved }));
    assert.deepEqual(
      events.filter((e) => e.type!.startsWith('Task') && e.type !== 'TaskStateEntered' && e.type !== 'TaskStateExited').map((e) => e.type),
      ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded'],
    );
    await assert.rejects(
      sfn.send(new SendTaskSuccessCommand({ taskToken: first.token, output: '{}' })),
      TaskDoesNotExist,
      'a settled token cannot be used again',
    );

    const rejected = await start('wr_2');
    const second = await take();
    await sfn.send(new SendTaskFailureCommand({ taskToken: second.token, error: 'Rejected', cause: 'fare too high' }));
    const failed = await waitForEnd(rejected);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'Rejected');
    assert.equal(failed.cause, 'fare too high');
  });

  test('every integration also waits for a task token: a Lambda worker and an SNS-to-SQS worker answer; getItem and deleteItem read and remove', async () => {
    const roleArn = await roleAllowing([
      'lambda:InvokeFunction',
      'sns:Publish',
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
    ]);
    const TableName = uniqueName('Approvals');
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // The worker answers through the Step Functions API itself, as a real callback worker does.
    const worker = await createFunction(`const { SFNClient, SendTaskSuccessCommand } = require('@aws-sdk/client-sfn');
      exports.handler = async (event) => { await new SFNClient({}).send(new SendTaskSuccessCommand({ taskToken: event.token, output: JSON.stringify({ approvedBy: 'lambda' }) })); return 'sent'; };`);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('approvals') }));
    const { QueueUrl, queueArn } = await queueWithPolicy(TopicArn!);
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
    const arn = await createMachine(
      {
        StartAt: 'Store',
        States: {
          Store: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName, Item: { id: { 'S.$': '$.id' }, state: { S: 'pending' } } },
            ResultPath: null,
            Next: 'AskLambda',
          },
          AskLambda: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: worker, Payload: { 'token.$': '$$.Task.Token' } },
            ResultPath: '$.lambda',
            Next: 'AskTopic',
          },
          AskTopic: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
            Parameters: { TopicArn, Message: { 'token.$': '$$.Task.Token' } },
            ResultPath: '$.topic',
            Next: 'Read',
          },
          Read: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName, Key: { id: { 'S.$': '$.id' } } },
            ResultSelector: { 'state.$': '$.Item.state.S' },
            ResultPath: '$.read',
            Next: 'Remove',
          },
          Remove: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:deleteItem',
            Parameters: { TableName, Key: { id: { 'S.$': '$.id' } } },
            ResultPath: null,
            End: true,
          },
        },
      },
      roleArn,
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ id: 'wr_7' }) }));
    const [message] = await receive(QueueUrl, 5);
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: JSON.parse(message.Body!).token, output: JSON.stringify({ approvedBy: 'queue worker' }) }),
    );
    const done = await waitForEnd(executionArn!);
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output!);
    assert.deepEqual(
      [output.lambda, output.topic, output.read],
      [{ approvedBy: 'lambda' }, { approvedBy: 'queue worker' }, { state: 'pending' }],
    );
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName, Key: { id: { S: 'wr_7' } } }));
    assert.equal(Item, undefined, 'deleteItem removed it');
  });

  test('a callback task without heartbeats times out with States.HeartbeatTimeout', async () => {
    const roleArn = await roleAllowing(['sqs:SendMessage']);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('silent') }));
    const arn = await createMachine(
      {
        StartAt: 'Wait',
        States: {
          Wait: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            HeartbeatSeconds: 1,
            Parameters: { QueueUrl, 'MessageBody.$': '$$.Task.Token' },
            End: true,
          },
        },
      },
      roleArn,
    );
    const { execution, types } = await run(arn, {});
    assert.equal(execution.status, 'FAILED');
    assert.equal(execution.error, 'States.HeartbeatTimeout');
    assert.ok(types.includes('TaskTimedOut'));
  });

  test('StopExecution aborts a running execution with its error and cause', async () => {
    const roleArn = await roleAllowing([]);
    const arn = await createMachine({ StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 3600, End: true } } }, roleArn);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'stopped by the instructor' }));
    const stopped = await waitForEnd(executionArn!);
    assert.equal(stopped.status, 'ABORTED');
    assert.equal(stopped.error, 'Operator');
    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: executionArn!.split(':').pop() })), {
      name: 'ExecutionAlreadyExists',
    });
  });

  test('the context object: $$.Execution (Name, StartTime, Input), $$.StateMachine and $$.State (Name, EnteredTime, RetryCount)', async () => {
    const roleArn = await roleAllowing(['lambda:InvokeFunction']);
    const flaky = await createFunction(
      `let calls = 0; exports.handler = async (event) => { if (calls++ < 2) { const e = new Error('not yet'); e.name = 'NotYet'; throw e; } return event; };`,
    );
    const arn = await createMachine(
      {
        StartAt: 'Describe',
        States: {
          Describe: {
            Type: 'Pass',
            Parameters: {
              'state.$': '$$.State.Name',
              'entered.$': '$$.State.EnteredTime',
              'execution.$': '$$.Execution.Name',
              'machine.$': '$$.StateMachine.Name',
              'started.$': '$$.Execution.StartTime',
              'fare.$': '$$.Execution.Input.fareId',
              'label.$': "States.Format('{} in {}', $$.State.Name, $$.Execution.Name)",
            },
            Next: 'Retried',
          },
          Retried: {
            Type: 'Task',
            Resource: flaky,
            Parameters: { 'attempt.$': '$$.State.RetryCount' },
            Retry: [{ ErrorEquals: ['NotYet'], MaxAttempts: 3, IntervalSeconds: 1 }],
            ResultPath: '$.retried',
            End: true,
          },
        },
      },
      roleArn,
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'ctx-1', input: JSON.stringify({ fareId: 'wr_1' }) }),
    );
    const done = await waitForEnd(executionArn!);
    assert.equal(done.status, 'SUCCEEDED', done.cause);
    const output = JSON.parse(done.output!);
    assert.equal(output.state, 'Describe');
    assert.equal(output.execution, 'ctx-1');
    assert.equal(output.machine, arn.split(':').pop());
    assert.equal(output.label, 'Describe in ctx-1');
    // The interpreter stamps its own start, a few milliseconds after the execution's startDate.
    assert.ok(
      Math.abs(Date.parse(output.started) - done.startDate!.getTime()) < 2_000,
      `${output.started} is not the start ${done.startDate!.toISOString()}`,
    );
    assert.equal(output.fare, 'wr_1');
    assert.ok(Math.abs(Date.parse(output.entered) - done.startDate!.getTime()) < 5_000, output.entered);
    assert.deepEqual(output.retried, { attempt: 2 }, 'the third attempt sees two retries');
  });

  test('a stopped execution records nothing after its end; a late answer to its token hears TaskTimedOut', async () => {
    const roleArn = await roleAllowing(['sqs:SendMessage']);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('late') }));
    const arn = await createMachine(
      {
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl, 'MessageBody.$': '$$.Task.Token' },
            End: true,
          },
        },
      },
      roleArn,
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const [message] = await receive(QueueUrl!, 5);
    await sfn.send(new StopExecutionCommand({ executionArn }));
    assert.equal((await waitForEnd(executionArn!)).status, 'ABORTED');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    assert.equal(events.at(-1)!.type, 'ExecutionAborted', events.map((e) => e.type).join(', '));
    await assert.rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: message.Body!, output: '{}' })), TaskTimedOut);
  });

  test('executions appear on the event stream, state by state', async () => {
    const roleArn = await roleAllowing([]);
    const arn = await createMachine(
      { StartAt: 'One', States: { One: { Type: 'Pass', Next: 'Two' }, Two: { Type: 'Pass', End: true } } },
      roleArn,
    );
    const seen: Activity[] = [];
    const stop = cloud.services.activity.subscribe((event) => event.service === 'states' && seen.push(event));
    const { execution } = await run(arn, {});
    stop();
    const mine = seen
      .filter((e) => e.resource === execution.executionArn)
      .map((e) => `${e.type}${'state' in e.detail ? ` ${e.detail.state}` : ''}`);
    assert.deepEqual(mine, [
      'execution-started',
      'state-entered One',
      'state-exited One',
      'state-entered Two',
      'state-exited Two',
      'execution-succeeded',
    ]);
  });

  test('an EventBridge rule starts an execution with its target role', async () => {
    const events = new EventBridgeClient(clientConfig(cloud.target));
    const arn = await createMachine({ StartAt: 'Got', States: { Got: { Type: 'Pass', End: true } } }, await roleAllowing([]));
    const Name = uniqueName('rides');
    await events.send(new PutRuleCommand({ Name, EventPattern: JSON.stringify({ source: ['wildrydes.fares'] }) }));
    await assert.rejects(events.send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'machine', Arn: arn }] })), /RoleArn is required/);
    const RoleArn = await roleAllowing(['states:StartExecution'], 'events.amazonaws.com');
    await events.send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'machine', Arn: arn, RoleArn }] }));
    await events.send(
      new PutEventsCommand({
        Entries: [{ Source: 'wildrydes.fares', DetailType: 'FareSubmitted', Detail: JSON.stringify({ fareId: 'wr_9' }) }],
      }),
    );
    const deadline = Date.now() + 5_000;
    let executions: { executionArn?: string }[] = [];
    while (executions.length === 0 && Date.now() < deadline)
      executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions ?? [];
    const done = await waitForEnd(executions[0].executionArn!);
    assert.equal(JSON.parse(done.output!).detail.fareId, 'wr_9');
  });
});

test('state machines survive a restart; an execution cut short by it says so', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-sfn-'));
  const config = (endpoint: string) => clientConfig({ kind: 'local', endpoint, region: 'us-east-1', prefix: 'p' });
  try {
    let local = await startCloud({ port: 0, dataDir });
    let client = new SFNClient(config(local.endpoint));
    const iamClient = new IAMClient(config(local.endpoint));
    await iamClient.send(
      new CreateRoleCommand({
        RoleName: 'sfn',
        AssumeRolePolicyDocument: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({
        name: 'kept',
        roleArn: 'arn:aws:iam::000000000000:role/sfn',
        definition: JSON.stringify({ StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 3600, End: true } } }),
      }),
    );
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'cut-short' }));
    await local.stop();

    local = await startCloud({ port: 0, dataDir });
    client = new SFNClient(config(local.endpoint));
    try {
      assert.equal((await client.send(new DescribeStateMachineCommand({ stateMachineArn }))).name, 'kept');
      const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
      assert.equal(execution.status, 'ABORTED');
      assert.equal(execution.error, 'Workshop.CloudStopped');
    } finally {
      await local.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
