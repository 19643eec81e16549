import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { labTemplates } from '../../src/engine/testing/lab-templates.ts';

const { starter, steps } = await labTemplates('lab-1');

/** Resource types and how many of each a template has. */
const inventory = (template: Template) => {
  const counts: Record<string, number> = {};
  for (const resource of Object.values(template.toJSON().Resources) as { Type: string }[])
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  return counts;
};

describe('Lab 1 stacks', () => {
  test('the starter: table, API and four functions, no topic', () => {
    starter.resourceCountIs('AWS::DynamoDB::Table', 1);
    starter.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'alice-Rides',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
    starter.resourceCountIs('AWS::Lambda::Function', 4);
    starter.resourceCountIs('AWS::ApiGateway::Method', 1);
    starter.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'submit-ride-completion' });
    starter.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('step 0 of the solution is the starter', () => {
    assert.deepEqual(inventory(steps[0]), inventory(starter));
  });

  test('step 1: a standard topic with the learner prefix, and its ARN as output', () => {
    steps[1].resourceCountIs('AWS::SNS::Topic', 1);
    steps[1].hasResourceProperties('AWS::SNS::Topic', { TopicName: 'alice-RideCompletionTopic', FifoTopic: Match.absent() });
    steps[1].hasOutput('TopicArn', {});
    steps[1].resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('step 2: TOPIC_ARN and sns:Publish for the Unicorn Management Service', () => {
    steps[2].hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'alice-UnicornManagementService',
      Environment: { Variables: Match.objectLike({ TOPIC_ARN: { Ref: Match.stringLikeRegexp('RideCompletionTopic') } }) },
    });
    steps[2].hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('RideCompletionTopic') } }),
        ]),
      },
    });
    steps[1].hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'alice-UnicornManagementService',
      Environment: { Variables: Match.objectLike({ TOPIC_ARN: Match.absent() }) },
    });
  });

  test('step 3: three lambda subscriptions, none filtered', () => {
    steps[3].resourceCountIs('AWS::SNS::Subscription', 3);
    steps[3].resourceCountIs('AWS::Lambda::Permission', 2 + 3);
    for (const subscription of Object.values(steps[3].findResources('AWS::SNS::Subscription'))) {
      assert.equal(subscription.Properties.Protocol, 'lambda');
      assert.equal(subscription.Properties.FilterPolicy, undefined);
    }
  });

  test('step 4: the filter policy on the Extraordinary Rides subscription only', () => {
    const filtered = Object.values(steps[4].findResources('AWS::SNS::Subscription')).filter((s) => s.Properties.FilterPolicy);
    assert.equal(filtered.length, 1);
    assert.deepEqual(filtered[0].Properties.FilterPolicy, { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] });
    assert.match(JSON.stringify(filtered[0].Properties.Endpoint), /ExtraordinaryRidesService/);
  });

  test('step 5 (bonus): an EventBridge rule with the same conditions, sending to a queue it may write to', () => {
    steps[4].resourceCountIs('AWS::Events::Rule', 0);
    steps[5].hasResourceProperties('AWS::Events::Rule', {
      Name: 'alice-ExtraordinaryRides',
      EventPattern: {
        source: ['wildrydes.unicorn-management'],
        'detail-type': ['RideCompleted'],
        detail: { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] },
      },
    });
    steps[5].hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Principal: { Service: 'events.amazonaws.com' },
            Condition: Match.objectLike({ ArnEquals: Match.anyValue() }),
          }),
        ]),
      },
    });
    steps[5].hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents' })]) },
    });
  });

  test("every function runs on the CDK's newest Node.js runtime", () => {
    const newest = Object.values(lambda.Runtime)
      .filter((r): r is lambda.Runtime => r instanceof lambda.Runtime && /^nodejs\d+\.x$/.test(r.name))
      .sort((a, b) => Number(b.name.match(/\d+/)![0]) - Number(a.name.match(/\d+/)![0]))[0];
    const runtimes = new Set(Object.values(steps[4].findResources('AWS::Lambda::Function')).map((f) => f.Properties.Runtime));
    assert.deepEqual(
      [...runtimes],
      [lambda.Runtime.NODEJS_LATEST.name],
      'set FUNCTION_DEFAULTS.runtime in labs/kit/cdk.ts to lambda.Runtime.NODEJS_LATEST',
    );
    assert.ok(
      Number(lambda.Runtime.NODEJS_LATEST.name.match(/\d+/)![0]) >= Number(newest.name.match(/\d+/)![0]) - 2,
      `NODEJS_LATEST (${lambda.Runtime.NODEJS_LATEST.name}) lags the newest runtime the CDK knows (${newest.name}) by more than one release`,
    );
  });
});
