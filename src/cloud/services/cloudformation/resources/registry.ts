import { apiDeployment, apiMethod, apiResource, apiStage, restApi } from './apigateway.ts';
import { cloudWatchAlarm } from './cloudwatch.ts';
import { dynamodbTable } from './dynamodb.ts';
import { eventBus, eventsRule } from './events.ts';
import { iamPolicy, iamRole } from './iam.ts';
import { kinesisStream } from './kinesis.ts';
import { eventInvokeConfig, eventSourceMapping, lambdaFunction, lambdaPermission } from './lambda.ts';
import { cdkMetadata, logGroup } from './misc.ts';
import type { ResourceProvider } from './provider.ts';
import { snsSubscription, snsTopic } from './sns.ts';
import { sqsQueue, sqsQueuePolicy } from './sqs.ts';

/** Every resource type the local CloudFormation can deploy. Any other type fails with its name. */
export const PROVIDERS: Record<string, ResourceProvider> = {
  'AWS::IAM::Role': iamRole,
  'AWS::IAM::Policy': iamPolicy,
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::Permission': lambdaPermission,
  'AWS::Lambda::EventSourceMapping': eventSourceMapping,
  'AWS::Lambda::EventInvokeConfig': eventInvokeConfig,
  'AWS::SQS::Queue': sqsQueue,
  'AWS::SQS::QueuePolicy': sqsQueuePolicy,
  'AWS::SNS::Topic': snsTopic,
  'AWS::SNS::Subscription': snsSubscription,
  'AWS::DynamoDB::Table': dynamodbTable,
  'AWS::ApiGateway::RestApi': restApi,
  'AWS::ApiGateway::Resource': apiResource,
  'AWS::ApiGateway::Method': apiMethod,
  'AWS::ApiGateway::Deployment': apiDeployment,
  'AWS::ApiGateway::Stage': apiStage,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::Events::Rule': eventsRule,
  'AWS::Events::EventBus': eventBus,
  'AWS::Kinesis::Stream': kinesisStream,
  'AWS::CloudWatch::Alarm': cloudWatchAlarm,
  'AWS::CDK::Metadata': cdkMetadata,
};
