import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { labTemplates } from '../../src/engine/testing/lab-templates.ts';

const { starter, steps } = await labTemplates('lab-4');

/** The Amazon States Language definition of a template's state machine. */
function definitionOf(template: Template): { StartAt: string; States: Record<string, any> } {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const body = machine.Properties.DefinitionString;
  // The CDK renders the definition as Fn::Join of text and references: the partition is aws, the rest placeholders.
  const resolve = (part: unknown) =>
    typeof part === 'string' ? part : JSON.stringify(part) === '{"Ref":"AWS::Partition"}' ? 'aws' : 'REF';
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map(resolve).join('');
  return JSON.parse(text);
}

/** The actions every statement of the state machine role's policy allows. */
function roleActions(template: Template): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes('FareProcessingStateMachineRole'),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
}

describe('Lab 4 stacks', () => {
  test('the starter: the three payment functions and a Standard state machine of one Pass state', () => {
    starter.resourceCountIs('AWS::Lambda::Function', 3);
    starter.resourceCountIs('AWS::Logs::LogGroup', 3);
    starter.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'alice-FareProcessingStateMachine',
      StateMachineType: 'STANDARD',
    });
    assert.deepEqual(definitionOf(starter), { StartAt: 'RegisterFare', States: { RegisterFare: { Type: 'Pass', End: true } } });
    starter.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  test('step 1: the Fares table, and RegisterFare a conditional PutItem of the fare without its card data', () => {
    steps[1].hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'alice-Fares',
      KeySchema: [{ AttributeName: 'fareId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    steps[1].hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    const register = definitionOf(steps[1]).States.RegisterFare;
    assert.equal(register.Resource, 'arn:aws:states:::dynamodb:putItem');
    assert.equal(register.Parameters.ConditionExpression, 'attribute_not_exists(fareId)');
    assert.deepEqual(Object.keys(register.Parameters.Item).sort(), ['customerId', 'fareAmount', 'fareId', 'fareStatus', 'registeredBy']);
    assert.doesNotMatch(JSON.stringify(register.Parameters.Item), /\$\.(cc|cvv|expiryDate)/);
    assert.deepEqual(register.Retry[0].ErrorEquals, [
      'DynamoDB.ProvisionedThroughputExceededException',
      'DynamoDB.ThrottlingException',
      'DynamoDB.RequestLimitExceeded',
    ]);
    assert.deepEqual(register.Catch, [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'FareProcessingFailed' }]);
    assert.deepEqual(roleActions(steps[1]), ['dynamodb:PutItem']);
  });

  test('step 2: the payment tasks pass on the card data to ChargeFare only, and retry Lambda service errors', () => {
    const { States } = definitionOf(steps[2]);
    assert.deepEqual(Object.keys(States).sort(), [
      'ChargeFare',
      'CreditCustomerAccount',
      'FareProcessingFailed',
      'FareProcessingSucceeded',
      'RegisterFare',
      'SetFareStatusCompleted',
    ]);
    assert.match(JSON.stringify(States.ChargeFare.Parameters.Payload), /"cc\.\$":"\$\.cc"/);
    for (const name of ['CreditCustomerAccount', 'SetFareStatusCompleted'])
      assert.doesNotMatch(JSON.stringify(States[name].Parameters), /\$\.(cc|cvv|expiryDate)/, name);
    for (const name of ['ChargeFare', 'CreditCustomerAccount'])
      assert.ok(States[name].Retry[0].ErrorEquals.includes('Lambda.ServiceException'), name);
    assert.equal(States.SetFareStatusCompleted.Next, 'FareProcessingSucceeded');
    assert.deepEqual(roleActions(steps[2]).sort(), [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      'lambda:InvokeFunction',
    ]);
  });

  test('step 3: the compensation path catches the payment errors by name', () => {
    const { States } = definitionOf(steps[3]);
    assert.deepEqual(States.ChargeFare.Catch, [
      { ErrorEquals: ['PaymentAuthException', 'PaymentChargeException'], ResultPath: '$.error', Next: 'SetFareStatusFailed' },
    ]);
    assert.deepEqual(States.CreditCustomerAccount.Catch, [
      { ErrorEquals: ['AccountCreditException'], ResultPath: '$.error', Next: 'RefundFare' },
    ]);
    assert.equal(States.RefundFare.Next, 'SetFareStatusFailed');
    assert.equal(States.RefundFare.Catch, undefined, 'a failing refund is not caught before step 5 (the bug the lab fixes)');
    assert.deepEqual([States.FareProcessingFailed.ErrorPath, States.FareProcessingFailed.CausePath], ['$.error.Error', '$.error.Cause']);
  });

  test('step 4: the topic feeds two queues by raw delivery, filtered on IsSuccessful, and both notifications publish to it', () => {
    steps[4].hasResourceProperties('AWS::SNS::Topic', { TopicName: 'alice-WildRydesFareProcessingTopic' });
    for (const [queue, value] of [
      ['WildRydesSuccessfulTransactionsQueue', 'true'],
      ['WildRydesFailedTransactionsQueue', 'false'],
    ]) {
      steps[4].hasResourceProperties('AWS::SQS::Queue', { QueueName: `alice-${queue}` });
      steps[4].hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        RawMessageDelivery: true,
        FilterPolicy: { IsSuccessful: [value] },
        Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp(queue), 'Arn'] },
      });
    }
    // Each queue accepts sqs:SendMessage from this topic only.
    steps[4].hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: Match.stringLikeRegexp('WildRydesFareProcessingTopic') } } },
          }),
        ],
      },
    });
    const { States } = definitionOf(steps[4]);
    assert.equal(States.RegisterFare.Catch[0].Next, 'NotifyFailure');
    assert.deepEqual(States.NotifySuccess.Parameters.MessageAttributes, { IsSuccessful: { DataType: 'String', StringValue: 'true' } });
    assert.deepEqual(States.NotifyFailure.Parameters.MessageAttributes, { IsSuccessful: { DataType: 'String', StringValue: 'false' } });
    for (const name of ['NotifySuccess', 'NotifyFailure'])
      assert.doesNotMatch(JSON.stringify(States[name].Parameters.Message), /\$\.(cc|cvv|expiryDate)|"\$"/, name);
  });

  test('step 5: a failing refund is parked in a queue kept 14 days, with an alarm at one message', () => {
    steps[5].hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'alice-WildRydesFailedRefundsQueue',
      MessageRetentionPeriod: 1_209_600,
    });
    steps[5].hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'alice-FailedRefundsWaiting',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('WildRydesFailedRefundsQueue'), 'QueueName'] } }],
    });
    const { States } = definitionOf(steps[5]);
    assert.deepEqual(States.RefundFare.Catch, [{ ErrorEquals: ['States.ALL'], ResultPath: '$.refundError', Next: 'ParkFailedRefund' }]);
    assert.equal(States.ParkFailedRefund.Resource, 'arn:aws:states:::sqs:sendMessage');
    assert.equal(States.ParkFailedRefund.Next, 'SetFareStatusFailed');
  });

  test('step 6 (bonus): the parked refund waits for a task token, a week at most', () => {
    const park = definitionOf(steps[6]).States.ParkFailedRefund;
    assert.equal(park.Resource, 'arn:aws:states:::sqs:sendMessage.waitForTaskToken');
    assert.equal(park.Parameters.MessageBody['taskToken.$'], '$$.Task.Token');
    assert.equal(park.TimeoutSeconds, 7 * 24 * 3600);
    assert.equal(park.ResultPath, '$.settlement');
  });

  test("the state machine's role: only the actions its tasks call, none with a wildcard", () => {
    const actions = roleActions(steps[6]);
    assert.deepEqual([...new Set(actions)].sort(), [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    assert.ok(actions.every((action) => !action.includes('*')));
    for (const policy of Object.values(steps[6].findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement)
        assert.notEqual(statement.Resource, '*', JSON.stringify(statement));
    }
  });
});
