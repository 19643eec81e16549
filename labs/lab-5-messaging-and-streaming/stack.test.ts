import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { labTemplates } from '../../src/engine/testing/lab-templates.ts';

const { starter, steps } = await labTemplates('lab-5');

/** Resource types and how many of each a template has. */
const inventory = (template: Template) => {
  const counts: Record<string, number> = {};
  for (const resource of Object.values(template.toJSON().Resources) as { Type: string }[])
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  return counts;
};

/** The event source mappings of a template, by the function they feed (its logical id). */
const mappingsOf = (template: Template, fn: string) =>
  Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
    .filter((m) => JSON.stringify(m.Properties.FunctionName).includes(fn))
    .map((m) => m.Properties);

describe('Lab 5 stacks', () => {
  test('the starter: four functions with their tables and log groups, nothing that feeds them', () => {
    assert.deepEqual(inventory(starter), {
      'AWS::DynamoDB::Table': 4,
      'AWS::IAM::Role': 4,
      'AWS::IAM::Policy': 4,
      'AWS::Lambda::Function': 4,
      'AWS::Logs::LogGroup': 4,
    });
    starter.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'alice-RideLedger',
      KeySchema: [{ AttributeName: 'rideId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    starter.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'alice-UnicornDistanceReplay',
      KeySchema: [{ AttributeName: 'unicorn', KeyType: 'HASH' }],
    });
    for (const table of Object.values(starter.findResources('AWS::DynamoDB::Table')))
      assert.equal(table.DeletionPolicy, 'Delete', 'tables go with the stack');
  });

  test('step 0 of the solution is the starter', () => {
    assert.deepEqual(inventory(steps[0]), inventory(starter));
  });

  test('step 1: a FIFO topic with content-based deduplication, two FIFO queues and a FIFO dead-letter queue', () => {
    steps[1].hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'alice-RideEvents.fifo',
      FifoTopic: true,
      ContentBasedDeduplication: true,
    });
    const queues = steps[1].findResources('AWS::SQS::Queue');
    assert.deepEqual(
      Object.values(queues)
        .map((q) => [q.Properties.QueueName, q.Properties.FifoQueue])
        .sort(),
      [
        ['alice-RideLedgerDLQ.fifo', true],
        ['alice-RideLedgerQueue.fifo', true],
        ['alice-RideReceiptsQueue.fifo', true],
      ],
    );
    steps[1].hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'alice-RideLedgerQueue.fifo',
      VisibilityTimeout: 60,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RideLedgerDLQ'), 'Arn'] }, maxReceiveCount: 3 },
    });
    steps[1].hasResourceProperties('AWS::SQS::Queue', { QueueName: 'alice-RideLedgerDLQ.fifo', MessageRetentionPeriod: 1_209_600 });
    const subscriptions = Object.values(steps[1].findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    assert.equal(subscriptions.length, 2);
    assert.ok(subscriptions.every((s) => s.Protocol === 'sqs' && s.RawMessageDelivery === true));
    assert.deepEqual(
      subscriptions.filter((s) => s.FilterPolicy).map((s) => [s.FilterPolicyScope, s.FilterPolicy]),
      [['MessageBody', { type: ['dropped-off'] }]],
    );
    // Each queue lets this topic, and only it, send to it.
    steps[1].hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: Match.stringLikeRegexp('RideEventsTopic') } } },
          }),
        ]),
      },
    });
    steps[1].resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  test('step 2: the ledger reads its queue one message at a time, and knows the queue URL', () => {
    assert.deepEqual(
      mappingsOf(steps[2], 'RideLedgerService').map((m) => m.BatchSize),
      [1],
    );
    steps[2].hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'alice-RideLedgerService',
      Environment: { Variables: Match.objectLike({ QUEUE_URL: { Ref: Match.stringLikeRegexp('RideLedgerQueue') } }) },
    });
    // The mapping's role lets the function change a message's visibility (the handler retries at once).
    for (const action of ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']) {
      steps[2].hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: Match.arrayWith([action]),
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('RideLedgerQueue'), 'Arn'] },
            }),
          ]),
        },
      });
    }
    steps[2].resourceCountIs('AWS::Kinesis::Stream', 0);
  });

  test('step 3: a provisioned stream of two shards, kept 24 hours, removed with the stack', () => {
    steps[3].hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'alice-UnicornTelemetry',
      ShardCount: 2,
      RetentionPeriodHours: 24,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
    const [stream] = Object.values(steps[3].findResources('AWS::Kinesis::Stream'));
    assert.equal(stream.DeletionPolicy, 'Delete', 'a stream left behind bills by the shard-hour');
    assert.equal(mappingsOf(steps[3], 'UnicornDistance').length, 0);
  });

  test('step 4: the distance service reads from the trim horizon, bisects, retries twice and sends failures to a queue', () => {
    const [mapping] = mappingsOf(steps[4], 'UnicornDistanceService');
    assert.equal(mapping.StartingPosition, 'TRIM_HORIZON');
    assert.equal(mapping.BatchSize, 100);
    assert.equal(mapping.BisectBatchOnFunctionError, true);
    assert.equal(mapping.MaximumRetryAttempts, 2);
    assert.match(JSON.stringify(mapping.DestinationConfig.OnFailure.Destination), /TelemetryFailures/);
    steps[4].hasResourceProperties('AWS::SQS::Queue', { QueueName: 'alice-TelemetryFailures', MessageRetentionPeriod: 1_209_600 });
    for (const action of ['kinesis:GetRecords', 'kinesis:GetShardIterator']) {
      steps[4].hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith([action]) })]) },
      });
    }
    steps[4].hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('TelemetryFailures'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  test('step 5: a second reader with a mapping of its own, from LATEST', () => {
    const [mapping] = mappingsOf(steps[5], 'UnicornLocator');
    assert.equal(mapping.StartingPosition, 'LATEST');
    assert.equal(mapping.BatchSize, 10);
    assert.equal(mappingsOf(steps[5], 'UnicornDistanceReplay').length, 0);
  });

  test("step 6: the replay reads the stream with the distance service's settings, into its own table", () => {
    const [live] = mappingsOf(steps[6], 'UnicornDistanceService');
    const [replay] = mappingsOf(steps[6], 'UnicornDistanceReplay');
    assert.deepEqual({ ...replay, FunctionName: undefined }, { ...live, FunctionName: undefined });
    steps[6].resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
  });
});
