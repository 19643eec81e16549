import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { labContext } from './context.ts';
import { awsEndpointOverride, isLoopback, LOCAL_CREDENTIALS, type Target } from './target.ts';

/** The configuration every SDK client gets for a target: region, and for non-AWS targets the endpoint. */
export function clientConfig(target: Target) {
  if (target.kind === 'aws') return { region: target.region };
  return {
    region: target.region,
    endpoint: target.endpoint,
    credentials: LOCAL_CREDENTIALS,
    // Lambda handlers and checkpoints share a small local cloud; fail fast instead of retrying for seconds.
    maxAttempts: 2,
  };
}

type Constructor<C> = new (config: ReturnType<typeof clientConfig> & { forcePathStyle?: boolean; useQueueUrlAsEndpoint?: boolean }) => C;

/**
 * What clients need where the endpoint is not AWS's: emulators have no per-bucket host names, so
 * S3 addresses buckets by path (on the aws target too when AWS_ENDPOINT_URL sends it to this
 * machine, as the CDK toolkit does); and an SQS client sent elsewhere by AWS_ENDPOINT_URL keeps
 * to it instead of following a queue URL's host name.
 */
function endpointQuirks(Client: unknown, target: Target): { forcePathStyle?: boolean; useQueueUrlAsEndpoint?: boolean } {
  if (Client === S3Client) {
    const override = target.kind === 'aws' ? awsEndpointOverride('S3') : undefined;
    return target.kind !== 'aws' || (override !== undefined && isLoopback(override)) ? { forcePathStyle: true } : {};
  }
  if (Client === SQSClient && target.kind === 'aws' && awsEndpointOverride('SQS') !== undefined) return { useQueueUrlAsEndpoint: false };
  return {};
}
// Shared by every copy of this module in the process (see context.ts), so clients are reused.
const CACHE_KEY = Symbol.for('workshop.clients');
const cache = ((globalThis as unknown as Record<symbol, Map<string, unknown>>)[CACHE_KEY] ??= new Map<string, unknown>());

/** A client of `Client` for `target`, created once per target and reused. */
export function clientFor<C>(Client: Constructor<C>, target: Target): C {
  const key = `${Client.name}|${target.kind}|${target.endpoint ?? ''}|${target.region}`;
  let client = cache.get(key) as C | undefined;
  if (!client) {
    client = new Client({ ...clientConfig(target), ...endpointQuirks(Client, target) });
    cache.set(key, client);
  }
  return client;
}

const current =
  <C>(Client: Constructor<C>) =>
  () =>
    clientFor(Client, labContext().target);

/** SDK clients for the current lab's target. */
export const sns = current(SNSClient);
export const sqs = current(SQSClient);
export const lambda = current(LambdaClient);
export const logs = current(CloudWatchLogsClient);
export const dynamodb = current(DynamoDBClient);
export const iam = current(IAMClient);
export const sts = current(STSClient);
export const s3 = current(S3Client);
export const ssm = current(SSMClient);
export const cloudformation = current(CloudFormationClient);
export const apigateway = current(APIGatewayClient);
export const eventbridge = current(EventBridgeClient);
export const stepfunctions = current(SFNClient);
export const kinesis = current(KinesisClient);
export const cloudwatch = current(CloudWatchClient);
