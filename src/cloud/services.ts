import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventBus } from './events/bus.ts';
import type { ApiGatewayModel } from './services/apigateway/model.ts';
import type { CloudWatchService } from './services/cloudwatch/service.ts';
import type { EcrService } from './services/ecr/service.ts';
import type { EventBridgeService } from './services/events/service.ts';
import type { IamService } from './services/iam/service.ts';
import type { EventSourceMappings } from './services/lambda/event-source-mappings.ts';
import type { LambdaService } from './services/lambda/service.ts';
import type { LogsService } from './services/logs/service.ts';
import type { BucketSubresources } from './services/s3/bucket-subresources.ts';
import type { S3Notifications } from './services/s3/notifications.ts';
import type { SnsService } from './services/sns/service.ts';
import type { SsmService } from './services/ssm/service.ts';
import type { StepFunctionsService } from './services/stepfunctions/service.ts';

/**
 * The services of one local cloud, as the other services and CloudFormation's providers reach
 * them. Services we own are called directly; the reused emulators (fauxqs, dynalite) through
 * their own API with SDK clients pointed at their internal addresses.
 */
export interface CloudServices {
  events: EventBus;
  sns: SnsService;
  lambda: LambdaService;
  eventSourceMappings: EventSourceMappings;
  eventBridge: EventBridgeService;
  cloudWatch: CloudWatchService;
  logs: LogsService;
  iam: IamService;
  ssm: SsmService;
  apigateway: ApiGatewayModel;
  /** SQS (fauxqs) in the cloud's default region. */
  sqs: SQSClient;
  /** SQS (fauxqs) for requests in a given region. */
  sqsIn: (region: string) => SQSClient;
  /** Kinesis (kinesalite) for requests in a given region. */
  kinesisIn: (region: string) => KinesisClient;
  s3: S3Client;
  /** S3 event notification configurations and their delivery (fauxqs has none). */
  s3Notifications: S3Notifications;
  /** Bucket policies and tags (fauxqs keeps neither). */
  s3Buckets: BucketSubresources;
  dynamodb: DynamoDBClient;
  stepFunctions: StepFunctionsService;
  /** ECR repositories (no images): the CDK's bootstrap stack makes one. */
  ecr: EcrService;
}
