import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { labTemplates } from '../../src/engine/testing/lab-templates.ts';

const { starter, steps } = await labTemplates('lab-2');

const SERVICE_QUEUES = ['CustomerNotificationServiceQueue', 'CustomerAccountingServiceQueue', 'ExtraordinaryRidesServiceQueue'];
const LAB1_FILTER = { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] };

/** The resources of a type, by logical id. */
const resources = (template: Template, type: string) => template.findResources(type) as Record<string, { Properties: any }>;
/** The logical id of the queue with this name (names carry the test prefix, alice-Lab2-). */
const queueId = (template: Template, name: string) =>
  Object.entries(resources(template, 'AWS::SQS::Queue')).find(([, q]) => q.Properties.QueueName === `alice-Lab2-${name}`)?.[0];

describe('Lab 2 stacks', () => {
  test("the starter is Lab 1's solution under Lab 2's names: three Lambda subscriptions, the extraordinary one filtered", () => {
    starter.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'alice-Lab2-RideCompletionTopic' });
    starter.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'alice-Lab2-Rides' });
    starter.resourceCountIs('AWS::SQS::Queue', 0);
    const subscriptions = Object.values(resources(starter, 'AWS::SNS::Subscription'));
    assert.deepEqual(
      subscriptions.map((s) => s.Properties.Protocol),
      ['lambda', 'lambda', 'lambda'],
    );
    assert.deepEqual(
      subscriptions.filter((s) => s.Properties.FilterPolicy).map((s) => s.Properties.FilterPolicy),
      [LAB1_FILTER],
    );
    for (const fn of Object.values(resources(starter, 'AWS::Lambda::Function'))) assert.match(fn.Properties.FunctionName, /^alice-Lab2-/);
  });

  test('step 1: each service queue has a DLQ after 5 receives, kept longer, and 6 × the function timeout of visibility', () => {
    for (const name of SERVICE_QUEUES) {
      const dlq = queueId(steps[1], `${name}DLQ`);
      assert.ok(dlq, `${name}DLQ`);
      steps[1].hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `alice-Lab2-${name}`,
        VisibilityTimeout: 60,
        MessageRetentionPeriod: 345_600,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      });
      steps[1].hasResourceProperties('AWS::SQS::Queue', { QueueName: `alice-Lab2-${name}DLQ`, MessageRetentionPeriod: 1_209_600 });
    }
    steps[1].resourceCountIs('AWS::SQS::QueuePolicy', 0);
  });

  test('step 2: one policy per service queue, sqs:SendMessage for SNS with aws:SourceArn = the topic, nothing more', () => {
    const policies = Object.values(resources(steps[2], 'AWS::SQS::QueuePolicy'));
    assert.equal(policies.length, 3);
    const topic = Object.keys(resources(steps[2], 'AWS::SNS::Topic'))[0];
    for (const policy of policies) {
      const [statement, ...others] = policy.Properties.PolicyDocument.Statement;
      assert.deepEqual(others, []);
      assert.deepEqual(
        { ...statement, Resource: undefined },
        {
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic } } },
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Resource: undefined,
        },
      );
    }
  });

  test('step 3: three raw SQS subscriptions with a subscription DLQ, Lab 1 filter on Extraordinary Rides only, no Lambda subscription left', () => {
    const subscriptions = Object.values(resources(steps[3], 'AWS::SNS::Subscription'));
    assert.deepEqual(
      subscriptions.map((s) => [s.Properties.Protocol, s.Properties.RawMessageDelivery]),
      [
        ['sqs', true],
        ['sqs', true],
        ['sqs', true],
      ],
    );
    for (const s of subscriptions) assert.match(JSON.stringify(s.Properties.RedrivePolicy), /RideCompletionDeliveryDLQ/);
    const filtered = subscriptions.filter((s) => s.Properties.FilterPolicy);
    assert.deepEqual(
      filtered.map((s) => s.Properties.FilterPolicy),
      [LAB1_FILTER],
    );
    assert.match(JSON.stringify(filtered[0].Properties.Endpoint), /ExtraordinaryRidesServiceQueue/);
    steps[3].resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  test('step 4: a mapping per queue with partial batch failures and a maximum concurrency, no reserved concurrency; the failure switch', () => {
    const mappings = Object.values(resources(steps[4], 'AWS::Lambda::EventSourceMapping'));
    assert.equal(mappings.length, 3);
    for (const m of mappings) {
      assert.deepEqual(m.Properties.FunctionResponseTypes, ['ReportBatchItemFailures']);
      assert.ok(m.Properties.ScalingConfig.MaximumConcurrency >= 2);
    }
    steps[4].hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 50, MaximumBatchingWindowInSeconds: 1 });
    for (const fn of Object.values(resources(steps[4], 'AWS::Lambda::Function')))
      assert.equal(fn.Properties.ReservedConcurrentExecutions, undefined);
    steps[4].hasResourceProperties('AWS::SSM::Parameter', { Name: '/alice-Lab2/consumer-failure-switch', Type: 'String', Value: '{}' });
    steps[4].hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'alice-Lab2-CustomerAccountingService',
      Environment: { Variables: Match.objectLike({ FAILURE_SWITCH: Match.anyValue() }) },
    });
  });

  test("steps 5 and 6: the worker's queue with its DLQ, then a bucket notifying it of .json files, and emptied on destroy", () => {
    assert.ok(queueId(steps[5], 'RideBatchQueue') && queueId(steps[5], 'RideBatchQueueDLQ'));
    steps[5].resourceCountIs('AWS::S3::Bucket', 0);
    steps[6].hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    steps[6].resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    steps[6].hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.json' }] } },
            QueueArn: { 'Fn::GetAtt': [queueId(steps[6], 'RideBatchQueue'), 'Arn'] },
          },
        ],
      },
    });
    steps[6].hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: 's3.amazonaws.com' }, Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } } }),
        ],
      },
    });
  });
});
