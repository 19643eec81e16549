import { apiAccount, apiDeployment, apiMethod, apiResource, apiStage, restApi } from './apigateway.ts';
import { cloudWatchAlarm } from './cloudwatch.ts';
import { dynamodbTable } from './dynamodb.ts';
import { ecrRepository } from './ecr.ts';
import { eventBus, eventsRule } from './events.ts';
import { iamPolicy, iamRole } from './iam.ts';
import { kinesisStream } from './kinesis.ts';
import { eventInvokeConfig, eventSourceMapping, lambdaFunction, lambdaPermission } from './lambda.ts';
import { cdkMetadata, logGroup, logRetention } from './misc.ts';
import type { ResourceProvider } from './provider.ts';
import { s3AutoDeleteObjects, s3Bucket, s3BucketNotifications, s3BucketPolicy } from './s3.ts';
import { snsSubscription, snsTopic } from './sns.ts';
import { snsTopicPolicy } from './sns-topic-policy.ts';
import { sqsQueue, sqsQueuePolicy } from './sqs.ts';
import { ssmParameter } from './ssm.ts';
import { stateMachine } from './stepfunctions.ts';

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
  'AWS::S3::Bucket': s3Bucket,
  'AWS::S3::BucketPolicy': s3BucketPolicy,
  // The CDK's custom resources for S3, applied natively (their handlers cannot run locally).
  'Custom::S3BucketNotifications': s3BucketNotifications,
  'Custom::S3AutoDeleteObjects': s3AutoDeleteObjects,
  'Custom::LogRetention': logRetention,
  'AWS::SNS::TopicPolicy': snsTopicPolicy,
  'AWS::SSM::Parameter': ssmParameter,
  'AWS::DynamoDB::Table': dynamodbTable,
  'AWS::StepFunctions::StateMachine': stateMachine,
  'AWS::ApiGateway::RestApi': restApi,
  'AWS::ApiGateway::Resource': apiResource,
  'AWS::ApiGateway::Method': apiMethod,
  'AWS::ApiGateway::Deployment': apiDeployment,
  'AWS::ApiGateway::Stage': apiStage,
  'AWS::ApiGateway::Account': apiAccount,
  'AWS::Logs::LogGroup': logGroup,
  'AWS::Events::Rule': eventsRule,
  'AWS::Events::EventBus': eventBus,
  'AWS::Kinesis::Stream': kinesisStream,
  'AWS::CloudWatch::Alarm': cloudWatchAlarm,
  'AWS::CDK::Metadata': cdkMetadata,
  // What the CDK's bootstrap stack (CDKToolkit) adds to the types above.
  'AWS::ECR::Repository': ecrRepository,
};
