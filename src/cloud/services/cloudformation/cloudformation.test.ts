import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { waitForStack } from '../../testing/stacks.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let cfn: CloudFormationClient;
let sns: SNSClient;

before(async () => {
  cloud = await startTestCloud();
  cfn = new CloudFormationClient(clientConfig(cloud.target));
  sns = new SNSClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

/** Creates a stack, checks it, deletes it, and checks the delete completed. */
async function cloudFormationRoundTrip(StackName: string, TemplateBody: string, check: (stack: Stack) => void) {
  await cfn.send(new CreateStackCommand({ StackName, TemplateBody }));
  const stack = await waitForStack(cfn, StackName);
  assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
  check(stack);
  await cfn.send(new DeleteStackCommand({ StackName }));
  assert.equal((await waitForStack(cfn, stack.StackId!)).StackStatus, 'DELETE_COMPLETE');
}

const outputs = (stack: Stack) => Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));

const template = (extra: Record<string, unknown> = {}, resources: Record<string, unknown> = {}) =>
  JSON.stringify({
    Parameters: { Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${AWS::StackName}-rides' }, DisplayName: 'Rides' } },
      ProdTopic: { Type: 'AWS::SNS::Topic', Condition: 'IsProd' },
      ...resources,
    },
    Outputs: {
      TopicArn: { Value: { Ref: 'Topic' } },
      TopicName: { Value: { 'Fn::GetAtt': ['Topic', 'TopicName'] } },
      Zone: { Value: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] } },
      Part: { Value: { 'Fn::Select': [5, { 'Fn::Split': [':', { Ref: 'Topic' }] }] } },
      Kind: { Value: { 'Fn::If': ['IsProd', 'production', 'development'] } },
      ...extra,
    },
  });

describe('CloudFormation', () => {
  test('creates a stack, resolving intrinsics, conditions and parameters', async () => {
    const StackName = uniqueName('cfn');
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template() }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
    assert.deepEqual(outputs(stack), {
      TopicArn: `arn:aws:sns:us-east-1:000000000000:${StackName}-rides`,
      TopicName: `${StackName}-rides`,
      Zone: 'us-east-1b',
      Part: `${StackName}-rides`,
      Kind: 'development',
    });
    const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName }));
    assert.deepEqual(
      StackResourceSummaries.map((r) => r.LogicalResourceId),
      ['Topic'],
      'ProdTopic is excluded by its condition',
    );
  });

  test('updates in place, adds what is new, removes what is gone', async () => {
    const StackName = uniqueName('cfn');
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template() }));
    const before = outputs(await waitForStack(cfn, StackName));
    await cfn.send(
      new UpdateStackCommand({ StackName, TemplateBody: template(), Parameters: [{ ParameterKey: 'Env', ParameterValue: 'prod' }] }),
    );
    const updated = await waitForStack(cfn, StackName);
    assert.equal(updated.StackStatus, 'UPDATE_COMPLETE');
    assert.equal(outputs(updated).Kind, 'production');
    assert.equal(outputs(updated).TopicArn, before.TopicArn, 'the topic stays');
    const names = (await cfn.send(new ListStackResourcesCommand({ StackName })))
      .StackResourceSummaries!.map((r) => r.LogicalResourceId)
      .sort();
    assert.deepEqual(names, ['ProdTopic', 'Topic']);
    await cfn.send(
      new UpdateStackCommand({ StackName, TemplateBody: template(), Parameters: [{ ParameterKey: 'Env', ParameterValue: 'dev' }] }),
    );
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'UPDATE_COMPLETE');
    const { Topics = [] } = await sns.send(new ListTopicsCommand({}));
    assert.equal(Topics.filter((t) => t.TopicArn!.includes(`${StackName}-ProdTopic`)).length, 0, 'the removed topic is deleted');
  });

  test("a topic's inline subscriptions are updated in place; properties that would change behaviour are refused by name", async () => {
    const StackName = uniqueName('cfn');
    const withSubscriptions = (queues: string[]) =>
      JSON.stringify({
        Resources: {
          ...Object.fromEntries(queues.map((q) => [q, { Type: 'AWS::SQS::Queue' }])),
          Topic: {
            Type: 'AWS::SNS::Topic',
            Properties: {
              SignatureVersion: '2',
              Subscription: queues.map((q) => ({ Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': [q, 'Arn'] } })),
            },
          },
        },
        Outputs: { TopicArn: { Value: { Ref: 'Topic' } } },
      });
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: withSubscriptions(['First', 'Second']) }));
    const created = await waitForStack(cfn, StackName);
    const endpoints = () =>
      cloud.services.sns.store
        .subscriptionsOf(outputs(created).TopicArn!)
        .map((s) => ['First', 'Second', 'Third'].find((q) => s.endpoint.includes(`-${q}-`)))
        .sort();
    assert.deepEqual(endpoints(), ['First', 'Second']);
    assert.equal(cloud.services.sns.topic(outputs(created).TopicArn!).attributes.SignatureVersion, '2');
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody: withSubscriptions(['Second', 'Third']) }));
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'UPDATE_COMPLETE');
    assert.deepEqual(endpoints(), ['Second', 'Third']);

    const archived = uniqueName('cfn');
    await cfn.send(
      new CreateStackCommand({
        StackName: archived,
        TemplateBody: JSON.stringify({
          Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { FifoTopic: true, ArchivePolicy: { MessageRetentionPeriod: 30 } } } },
        }),
      }),
    );
    const refused = await waitForStack(cfn, archived);
    assert.equal(refused.StackStatus, 'ROLLBACK_COMPLETE');
    assert.match(refused.StackStatusReason!, /ArchivePolicy/);
  });

  test("Custom::LogRetention (a function's logRetention) sets the group's retention; the group goes with the stack under RemovalPolicy destroy", async () => {
    const StackName = uniqueName('cfn');
    const retention = (days: number | string) =>
      JSON.stringify({
        Resources: {
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
              },
            },
          },
          Handler: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Runtime: 'nodejs22.x',
              Handler: 'index.handler',
              Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
              Code: { ZipFile: 'exports.handler = async () => ({});' },
            },
          },
          Retention: {
            Type: 'Custom::LogRetention',
            Properties: {
              ServiceToken: { 'Fn::GetAtt': ['Handler', 'Arn'] },
              LogGroupName: `/workshop/${StackName}`,
              RetentionInDays: days,
              RemovalPolicy: 'destroy',
            },
          },
        },
      });
    const { StackId } = await cfn.send(new CreateStackCommand({ StackName, TemplateBody: retention(7), Capabilities: ['CAPABILITY_IAM'] }));
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'CREATE_COMPLETE');
    assert.equal(cloud.services.logs.groups.get(`/workshop/${StackName}`)?.retentionInDays, 7);
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody: retention('Infinity'), Capabilities: ['CAPABILITY_IAM'] }));
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'UPDATE_COMPLETE');
    assert.equal(cloud.services.logs.groups.get(`/workshop/${StackName}`)?.retentionInDays, undefined, 'Infinity removes the retention');
    await cfn.send(new DeleteStackCommand({ StackName }));
    assert.equal((await waitForStack(cfn, StackId!)).StackStatus, 'DELETE_COMPLETE');
    assert.equal(cloud.services.logs.groups.has(`/workshop/${StackName}`), false);
  });

  test('"No updates are to be performed" for an identical template', async () => {
    const StackName = uniqueName('cfn');
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template() }));
    await waitForStack(cfn, StackName);
    await assert.rejects(cfn.send(new UpdateStackCommand({ StackName, TemplateBody: template() })), /No updates are to be performed/);
  });

  test('a failing resource rolls the creation back and the events name it', async () => {
    const StackName = uniqueName('cfn');
    const failing = { Bad: { Type: 'AWS::SNS::Topic', DependsOn: 'Topic', Properties: { TopicName: 'not a valid name!' } } };
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template({}, failing) }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'ROLLBACK_COMPLETE');
    const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName }));
    const failed = StackEvents.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    assert.equal(failed?.LogicalResourceId, 'Bad');
    assert.match(failed!.ResourceStatusReason!, /Topic Name/);
    assert.ok(
      StackEvents.some((e) => e.LogicalResourceId === 'Topic' && e.ResourceStatus === 'DELETE_COMPLETE'),
      'the topic created before it is deleted',
    );
    await assert.rejects(
      sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:us-east-1:000000000000:${StackName}-rides` })),
      /does not exist/,
    );
  });

  test('a log group that already exists fails its AWS::Logs::LogGroup, as on AWS, and is left as it was', async () => {
    const StackName = uniqueName('cfn');
    const logGroupName = `/workshop/${StackName}/existing`;
    const logs = new CloudWatchLogsClient(clientConfig(cloud.target));
    await logs.send(new CreateLogGroupCommand({ logGroupName }));
    const group = {
      Group: { Type: 'AWS::Logs::LogGroup', DependsOn: 'Topic', Properties: { LogGroupName: logGroupName, RetentionInDays: 7 } },
    };
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template({}, group) }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'ROLLBACK_COMPLETE');
    const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName }));
    const failed = StackEvents.find((e) => e.ResourceStatus === 'CREATE_FAILED');
    assert.equal(failed?.LogicalResourceId, 'Group');
    assert.match(failed!.ResourceStatusReason!, /AWS::Logs::LogGroup.*already exists/);
    const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    assert.deepEqual(
      logGroups.map((g) => [g.logGroupName, g.retentionInDays]),
      [[logGroupName, undefined]],
      'the rollback did not delete the group it did not create, nor change it',
    );
  });

  test('a failing update rolls back to the previous state', async () => {
    const StackName = uniqueName('cfn');
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template() }));
    await waitForStack(cfn, StackName);
    const next = JSON.parse(
      template(
        {},
        { Extra: { Type: 'AWS::SNS::Topic' }, Bad: { Type: 'AWS::SNS::Topic', DependsOn: 'Extra', Properties: { TopicName: 'bad name' } } },
      ),
    );
    next.Resources.Topic.Properties.DisplayName = 'Changed';
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody: JSON.stringify(next) }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'UPDATE_ROLLBACK_COMPLETE');
    const names = (await cfn.send(new ListStackResourcesCommand({ StackName }))).StackResourceSummaries!.map((r) => r.LogicalResourceId);
    assert.deepEqual(names, ['Topic']);
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: outputs(stack).TopicArn }));
    assert.equal(Attributes?.DisplayName, 'Rides', 'the in-place change is reverted');
  });

  test('an update failing at its third resource puts the first two back as they were', async () => {
    const StackName = uniqueName('cfn');
    // A, then B, then the queue C (DependsOn fixes the order): all three change in the update.
    const chain = (label: string, visibility: number) =>
      JSON.stringify({
        Resources: {
          A: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: `A ${label}` } },
          B: { Type: 'AWS::SNS::Topic', DependsOn: 'A', Properties: { DisplayName: `B ${label}` } },
          C: { Type: 'AWS::SQS::Queue', DependsOn: 'B', Properties: { VisibilityTimeout: visibility } },
        },
        Outputs: { A: { Value: { Ref: 'A' } }, B: { Value: { Ref: 'B' } }, C: { Value: { Ref: 'C' } } },
      });
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: chain('v1', 30) }));
    const created = await waitForStack(cfn, StackName);
    assert.equal(created.StackStatus, 'CREATE_COMPLETE', created.StackStatusReason);
    // SQS takes visibility timeouts up to 12 hours (43,200 s): the third resource fails.
    await cfn.send(new UpdateStackCommand({ StackName, TemplateBody: chain('v2', 50_000) }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'UPDATE_ROLLBACK_COMPLETE');
    assert.match(stack.StackStatusReason!, /^C: .*VisibilityTimeout/, 'the reason names the resource and the property');
    const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName }));
    const failed = StackEvents.find((e) => e.ResourceStatus === 'UPDATE_FAILED');
    assert.equal(failed?.LogicalResourceId, 'C');
    assert.match(failed!.ResourceStatusReason!, /VisibilityTimeout/);
    assert.equal(StackEvents[0].ResourceStatus, 'UPDATE_ROLLBACK_COMPLETE', 'the newest event is the stack back where it was');
    assert.equal(StackEvents[0].LogicalResourceId, StackName);
    for (const id of ['A', 'B'] as const) {
      const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: outputs(stack)[id] }));
      assert.equal(Attributes?.DisplayName, `${id} v1`, `${id} is back to its previous properties`);
    }
    assert.deepEqual(outputs(stack), outputs(created));
  });

  test('delete removes dependents before what they depend on', async () => {
    const StackName = uniqueName('cfn');
    const templateBody = JSON.stringify({
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue' },
        Topic: { Type: 'AWS::SNS::Topic' },
        Subscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: {
            TopicArn: { Ref: 'Topic' },
            Protocol: 'sqs',
            Endpoint: { 'Fn::GetAtt': ['Queue', 'Arn'] },
            RawMessageDelivery: true,
          },
        },
        Policy: {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: {
            Queues: [{ Ref: 'Queue' }],
            PolicyDocument: {
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'sns.amazonaws.com' },
                  Action: 'sqs:SendMessage',
                  Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] },
                  Condition: { ArnEquals: { 'aws:SourceArn': { Ref: 'Topic' } } },
                },
              ],
            },
          },
        },
        Alarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }],
            Statistic: 'Maximum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 5,
            ComparisonOperator: 'GreaterThanThreshold',
            AlarmActions: [{ Ref: 'Topic' }],
          },
        },
      },
    });
    const { StackId } = await cfn.send(new CreateStackCommand({ StackName, TemplateBody: templateBody }));
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'CREATE_COMPLETE');
    await cfn.send(new DeleteStackCommand({ StackName }));
    assert.equal((await waitForStack(cfn, StackId!)).StackStatus, 'DELETE_COMPLETE');
    const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: StackId }));
    const deleted = StackEvents.filter((e) => e.ResourceStatus === 'DELETE_COMPLETE' && e.LogicalResourceId !== StackName)
      .map((e) => e.LogicalResourceId!)
      .reverse();
    assert.equal(deleted.length, 5);
    const at = (id: string) => deleted.indexOf(id);
    for (const dependent of ['Subscription', 'Policy', 'Alarm']) {
      assert.ok(
        at(dependent) < at('Queue') && at(dependent) < at('Topic'),
        `${dependent} is deleted before the queue and the topic (order: ${deleted.join(', ')})`,
      );
    }
  });

  test('refuses resource types and properties it cannot deploy, by name', async () => {
    await assert.rejects(
      cfn.send(
        new CreateStackCommand({
          StackName: uniqueName('cfn'),
          TemplateBody: JSON.stringify({ Resources: { Bucket: { Type: 'AWS::EC2::Instance' } } }),
        }),
      ),
      /does not support the resource types \[AWS::EC2::Instance\]/,
    );
    const StackName = uniqueName('cfn');
    await cfn.send(
      new CreateStackCommand({
        StackName,
        TemplateBody: JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { Shiny: true } } } }),
      }),
    );
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'ROLLBACK_COMPLETE');
    assert.match(stack.StackStatusReason!, /Properties \[Shiny\] of AWS::SNS::Topic are not supported/);
  });

  test('IAM resources need CAPABILITY_IAM, as on AWS', async () => {
    const role = {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
        },
      },
    };
    await assert.rejects(
      cfn.send(new CreateStackCommand({ StackName: uniqueName('cfn'), TemplateBody: JSON.stringify({ Resources: role }) })),
      /Requires capabilities : \[CAPABILITY_IAM\]/,
    );
  });

  test('a Kinesis stream with a function reading it through an event source mapping', async () => {
    const StackName = uniqueName('cfn');
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole'],
      },
    };
    const templateBody = JSON.stringify({
      Resources: {
        Stream: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 2 } },
        Role: role,
        Reader: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Code: { ZipFile: 'exports.handler = async () => {};' },
          },
        },
        Mapping: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: {
            EventSourceArn: { 'Fn::GetAtt': ['Stream', 'Arn'] },
            FunctionName: { Ref: 'Reader' },
            StartingPosition: 'LATEST',
            BatchSize: 50,
            BisectBatchOnFunctionError: true,
          },
        },
      },
      Outputs: { StreamArn: { Value: { 'Fn::GetAtt': ['Stream', 'Arn'] } }, MappingId: { Value: { Ref: 'Mapping' } } },
    });
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody: templateBody, Capabilities: ['CAPABILITY_IAM'] }));
    const stack = await waitForStack(cfn, StackName);
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE', stack.StackStatusReason);
    const mapping = cloud.services.eventSourceMappings.get(outputs(stack).MappingId!);
    assert.equal(mapping.eventSourceArn, outputs(stack).StreamArn);
    assert.deepEqual(
      [mapping.batchSize, mapping.stream?.startingPosition, mapping.stream?.bisectBatchOnFunctionError],
      [50, 'LATEST', true],
    );
    await cfn.send(new DeleteStackCommand({ StackName }));
    assert.equal((await waitForStack(cfn, stack.StackId!)).StackStatus, 'DELETE_COMPLETE');
    assert.equal(cloud.services.eventSourceMappings.mappings.size, 0);
  });

  test("a FIFO queue's dead-letter queue must be a FIFO queue (and a standard queue's a standard one), as on AWS", async () => {
    const queues = (fifoSource: boolean, fifoTarget: boolean) =>
      JSON.stringify({
        Resources: {
          DeadLetters: { Type: 'AWS::SQS::Queue', Properties: fifoTarget ? { FifoQueue: true } : {} },
          Rides: {
            Type: 'AWS::SQS::Queue',
            Properties: {
              ...(fifoSource ? { FifoQueue: true } : {}),
              RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] }, maxReceiveCount: 3 },
            },
          },
        },
      });
    for (const [source, target] of [
      [true, false],
      [false, true],
    ]) {
      const StackName = uniqueName('cfn');
      await cfn.send(new CreateStackCommand({ StackName, TemplateBody: queues(source, target) }));
      assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'ROLLBACK_COMPLETE');
      const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName }));
      const failed = StackEvents.find((e) => e.ResourceStatus === 'CREATE_FAILED');
      assert.equal(failed?.LogicalResourceId, 'Rides');
      assert.match(
        failed!.ResourceStatusReason!,
        source
          ? /dead-letter queue of a FIFO queue must be a FIFO queue/
          : /dead-letter queue of a standard queue must be a standard queue/,
      );
    }
    await cloudFormationRoundTrip(uniqueName('cfn'), queues(true, true), (stack) => assert.equal(stack.StackStatus, 'CREATE_COMPLETE'));
  });

  test('a CloudWatch alarm on a queue, notifying a topic', async () => {
    const StackName = uniqueName('cfn');
    const templateBody = JSON.stringify({
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue' },
        Alerts: { Type: 'AWS::SNS::Topic' },
        Backlog: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }],
            Statistic: 'Maximum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 100,
            ComparisonOperator: 'GreaterThanThreshold',
            AlarmActions: [{ Ref: 'Alerts' }],
          },
        },
      },
      Outputs: { AlarmArn: { Value: { 'Fn::GetAtt': ['Backlog', 'Arn'] } } },
    });
    await cloudFormationRoundTrip(StackName, templateBody, (stack) => {
      const alarm = [...cloud.services.cloudWatch.alarms.values()].find((a) => a.arn === outputs(stack).AlarmArn);
      assert.equal(alarm?.threshold, 100);
      assert.equal(alarm?.dimensions.QueueName?.startsWith(StackName), true);
    });
    assert.equal(cloud.services.cloudWatch.alarms.size, 0);
  });

  test('a CloudWatch alarm keeps its description and tags; an update changes its tags', async () => {
    const StackName = uniqueName('cfn');
    const alarm = (tags: { Key: string; Value: string }[]) =>
      JSON.stringify({
        Resources: {
          Queue: { Type: 'AWS::SQS::Queue' },
          Parked: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              AlarmDescription: 'A refund waits for a human.',
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateNumberOfMessagesVisible',
              Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }],
              Statistic: 'Maximum',
              Period: 60,
              EvaluationPeriods: 1,
              Threshold: 1,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
              Tags: tags,
            },
          },
        },
      });
    const { StackId } = await cfn.send(
      new CreateStackCommand({
        StackName,
        TemplateBody: alarm([
          { Key: 'team', Value: 'payments' },
          { Key: 'lab', Value: '4' },
        ]),
        Tags: [{ Key: 'workshop:learner', Value: 'alice' }],
      }),
    );
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'CREATE_COMPLETE');
    const created = [...cloud.services.cloudWatch.alarms.values()].find((a) => a.name.startsWith(StackName))!;
    assert.equal(created.description, 'A refund waits for a human.');
    assert.deepEqual(created.tags, { 'workshop:learner': 'alice', team: 'payments', lab: '4' });
    await cfn.send(
      new UpdateStackCommand({
        StackName,
        TemplateBody: alarm([{ Key: 'team', Value: 'refunds' }]),
        Tags: [{ Key: 'workshop:learner', Value: 'alice' }],
      }),
    );
    assert.equal((await waitForStack(cfn, StackName)).StackStatus, 'UPDATE_COMPLETE');
    assert.deepEqual(cloud.services.cloudWatch.alarms.get(created.name)!.tags, { 'workshop:learner': 'alice', team: 'refunds' });
    await cfn.send(new DeleteStackCommand({ StackName }));
    assert.equal((await waitForStack(cfn, StackId!)).StackStatus, 'DELETE_COMPLETE');
  });

  test('delete removes every resource', async () => {
    const StackName = uniqueName('cfn');
    const { StackId } = await cfn.send(new CreateStackCommand({ StackName, TemplateBody: template() }));
    const created = await waitForStack(cfn, StackName);
    await cfn.send(new DeleteStackCommand({ StackName }));
    const deleted = await waitForStack(cfn, StackId!);
    assert.equal(deleted.StackStatus, 'DELETE_COMPLETE');
    await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName })), /does not exist/);
    await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: outputs(created).TopicArn })), /does not exist/);
  });
});
