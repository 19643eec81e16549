import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PROVIDERS } from './registry.ts';

/**
 * The properties AWS's CloudFormation resource reference marks "Update requires: Replacement",
 * per type (limited to the properties the local cloud applies). A change to any other property
 * updates the resource in place, keeping its physical id (and its messages, records, items).
 * 'always': every change makes a new resource (API Gateway deployments are snapshots).
 */
const DOCUMENTED_REPLACEMENT: Record<string, readonly string[] | 'always'> = {
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::IAM::Policy': [],
  'AWS::Lambda::Function': ['FunctionName', 'PackageType'],
  'AWS::Lambda::Permission': [
    'Action',
    'EventSourceToken',
    'FunctionName',
    'FunctionUrlAuthType',
    'Principal',
    'PrincipalOrgID',
    'SourceAccount',
    'SourceArn',
  ],
  'AWS::Lambda::EventSourceMapping': ['EventSourceArn', 'StartingPosition', 'StartingPositionTimestamp'],
  'AWS::Lambda::EventInvokeConfig': ['FunctionName', 'Qualifier'],
  'AWS::SQS::Queue': ['FifoQueue', 'QueueName'],
  'AWS::SQS::QueuePolicy': [],
  'AWS::SNS::Topic': ['FifoTopic', 'TopicName'],
  'AWS::SNS::Subscription': ['Endpoint', 'Protocol', 'TopicArn', 'Region'],
  'AWS::SNS::TopicPolicy': [],
  'AWS::DynamoDB::Table': ['KeySchema', 'LocalSecondaryIndexes', 'TableName'],
  'AWS::ApiGateway::RestApi': [],
  'AWS::ApiGateway::Resource': ['ParentId', 'PathPart', 'RestApiId'],
  'AWS::ApiGateway::Method': ['HttpMethod', 'ResourceId', 'RestApiId'],
  'AWS::ApiGateway::Deployment': 'always',
  'AWS::ApiGateway::Stage': ['RestApiId', 'StageName'],
  'AWS::ApiGateway::Account': [],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::Events::Rule': ['EventBusName', 'Name'],
  'AWS::Events::EventBus': ['Name'],
  // ShardCount, RetentionPeriodHours and StreamModeDetails update in place on AWS.
  'AWS::Kinesis::Stream': ['Name'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::CDK::Metadata': [],
};

describe('per-property update behaviour of the resource providers', () => {
  for (const [type, provider] of Object.entries(PROVIDERS)) {
    test(`${type} replaces on what AWS documents`, (t) => {
      const documented = DOCUMENTED_REPLACEMENT[type];
      // Types added by others (e.g. Step Functions, S3) keep their own tests; this table covers the labs' core.
      if (documented === undefined) return t.diagnostic(`${type} is not in this table`);
      if (documented === 'always') {
        assert.equal(provider.replaceAlways, true);
        return;
      }
      assert.deepEqual([...(provider.replaceOn ?? [])].sort(), documented.filter((p) => provider.properties.includes(p)).sort());
      if (provider.properties.some((p) => !documented.includes(p)))
        assert.ok(provider.update, `${type} has properties that update in place, so it needs update()`);
    });
  }
});
