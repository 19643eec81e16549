import { APIGatewayClient, GetRestApiCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import {
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { GetBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientFor } from '../../../labs/kit/clients.ts';
import type { Target } from '../../../labs/kit/target.ts';
import type { FunctionFacts, StackSnapshot } from './snapshot.ts';

type Resource = StackSnapshot['resources'][number];

/** Every page of a paged list call. */
async function allPages<T>(page: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    items.push(...result.items);
    token = result.next;
  } while (token);
  return items;
}

const notFound = (error: unknown) =>
  /NotFound|does not exist|ResourceNotFound/i.test(`${(error as Error).name} ${(error as Error).message}`);

/**
 * Reads a deployed stack and the links between its resources through public AWS APIs:
 * ListStackResources and GetTemplate, then one describe call per resource (subscriptions, event
 * source mappings, notifications, rule targets, state machine definitions, redrive policies).
 * The same calls work on the local cloud, any endpoint and AWS.
 */
export async function collectStack(target: Target, stackName: string): Promise<StackSnapshot> {
  const cfn = clientFor(CloudFormationClient, target);
  const [resources, template, identity] = await Promise.all([
    allPages(async (NextToken) => {
      const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
      return {
        items: (page.StackResourceSummaries ?? [])
          .filter((r) => r.PhysicalResourceId && !r.ResourceStatus?.startsWith('DELETE'))
          .map((r) => ({ logicalId: r.LogicalResourceId!, type: r.ResourceType!, physicalId: r.PhysicalResourceId! })),
        next: page.NextToken,
      };
    }),
    cfn.send(new GetTemplateCommand({ StackName: stackName })).then((t) => JSON.parse(t.TemplateBody ?? '{}')),
    clientFor(STSClient, target).send(new GetCallerIdentityCommand({})),
  ]);
  const snapshot: StackSnapshot = {
    region: target.region,
    account: identity.Account!,
    resources,
    template,
    topics: [],
    queues: [],
    functions: [],
    buckets: [],
    rules: [],
    stateMachines: [],
    streams: [],
    tables: [],
    eventBuses: [],
    apis: [],
    notes: [],
  };
  const arn = (service: string, resource: string) => `arn:aws:${service}:${target.region}:${snapshot.account}:${resource}`;
  const of = (type: string) => resources.filter((r) => r.type === type);
  /** Runs one describe call per resource; a failure becomes a note, never a missing diagram. */
  const each = async (type: string, read: (r: Resource) => Promise<void>) =>
    Promise.all(
      of(type).map((r) =>
        read(r).catch((error: Error) => {
          if (!notFound(error)) snapshot.notes.push(`${r.logicalId} (${type}) could not be read: ${error.message}`);
        }),
      ),
    );

  await Promise.all([
    each('AWS::SNS::Topic', async (r) => {
      const sns = clientFor(SNSClient, target);
      const listed = await allPages(async (NextToken) => {
        const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: r.physicalId, NextToken }));
        return { items: page.Subscriptions ?? [], next: page.NextToken };
      });
      const subscriptions = await Promise.all(
        listed
          .filter((s) => s.SubscriptionArn?.startsWith('arn:'))
          .map(async (s) => {
            const { Attributes: a = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }));
            return {
              arn: s.SubscriptionArn!,
              protocol: s.Protocol!,
              endpoint: s.Endpoint!,
              filterPolicy: a.FilterPolicy || undefined,
              rawDelivery: a.RawMessageDelivery === 'true',
              deadLetterTargetArn: a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy).deadLetterTargetArn as string) : undefined,
            };
          }),
      );
      snapshot.topics.push({ arn: r.physicalId, fifo: r.physicalId.endsWith('.fifo'), subscriptions });
    }),
    each('AWS::SQS::Queue', async (r) => {
      const { Attributes: a = {} } = await clientFor(SQSClient, target).send(
        new GetQueueAttributesCommand({ QueueUrl: r.physicalId, AttributeNames: ['QueueArn', 'RedrivePolicy', 'FifoQueue'] }),
      );
      const redrive = a.RedrivePolicy ? JSON.parse(a.RedrivePolicy) : undefined;
      snapshot.queues.push({
        arn: a.QueueArn!,
        url: r.physicalId,
        fifo: a.FifoQueue === 'true',
        deadLetterTargetArn: redrive?.deadLetterTargetArn,
        maxReceiveCount: redrive ? Number(redrive.maxReceiveCount) : undefined,
      });
    }),
    each('AWS::Lambda::Function', async (r) => {
      const lambda = clientFor(LambdaClient, target);
      const [config, invoke, mappings] = await Promise.all([
        lambda.send(new GetFunctionConfigurationCommand({ FunctionName: r.physicalId })),
        lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: r.physicalId })).catch((error: Error) => {
          if (notFound(error)) return undefined;
          throw error;
        }),
        allPages(async (Marker) => {
          const page = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: r.physicalId, Marker }));
          return { items: page.EventSourceMappings ?? [], next: page.NextMarker };
        }),
      ]);
      const fn: FunctionFacts = {
        arn: config.FunctionArn!,
        name: config.FunctionName!,
        memoryMb: config.MemorySize ?? 128,
        timeoutSeconds: config.Timeout ?? 3,
        onFailure: invoke?.DestinationConfig?.OnFailure?.Destination,
        onSuccess: invoke?.DestinationConfig?.OnSuccess?.Destination,
        deadLetterTargetArn: config.DeadLetterConfig?.TargetArn,
        mappings: mappings.map((m) => ({
          uuid: m.UUID!,
          eventSourceArn: m.EventSourceArn!,
          batchSize: m.BatchSize,
          onFailure: m.DestinationConfig?.OnFailure?.Destination,
          state: m.State,
        })),
      };
      snapshot.functions.push(fn);
    }),
    each('AWS::S3::Bucket', async (r) => {
      const n = await clientFor(S3Client, target).send(new GetBucketNotificationConfigurationCommand({ Bucket: r.physicalId }));
      const targets = [
        ...(n.QueueConfigurations ?? []).map((c) => ({ arn: c.QueueArn!, events: c.Events ?? [] })),
        ...(n.TopicConfigurations ?? []).map((c) => ({ arn: c.TopicArn!, events: c.Events ?? [] })),
        ...(n.LambdaFunctionConfigurations ?? []).map((c) => ({ arn: c.LambdaFunctionArn!, events: c.Events ?? [] })),
      ];
      snapshot.buckets.push({ name: r.physicalId, targets });
    }),
    each('AWS::Events::Rule', async (r) => {
      const events = clientFor(EventBridgeClient, target);
      // A rule's physical id is its name on the default bus, `bus|name` on another (or its ARN).
      const [bus, name] = r.physicalId.startsWith('arn:')
        ? [r.physicalId.split('/').length > 2 ? r.physicalId.split('/')[1] : 'default', r.physicalId.split('/').pop()!]
        : r.physicalId.includes('|')
          ? r.physicalId.split('|')
          : ['default', r.physicalId];
      const rule = await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
      const targets = await allPages(async (NextToken) => {
        const page = await events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus, NextToken }));
        return { items: page.Targets ?? [], next: page.NextToken };
      });
      snapshot.rules.push({
        arn: rule.Arn!,
        name,
        eventBusName: rule.EventBusName ?? bus,
        targets: targets.map((t) => ({ arn: t.Arn!, deadLetterArn: t.DeadLetterConfig?.Arn })),
      });
    }),
    each('AWS::Events::EventBus', async (r) => {
      const bus = await clientFor(EventBridgeClient, target).send(new DescribeEventBusCommand({ Name: r.physicalId.split('/').pop() }));
      snapshot.eventBuses.push({ arn: bus.Arn!, name: bus.Name! });
    }),
    each('AWS::StepFunctions::StateMachine', async (r) => {
      const m = await clientFor(SFNClient, target).send(new DescribeStateMachineCommand({ stateMachineArn: r.physicalId }));
      snapshot.stateMachines.push({
        arn: m.stateMachineArn!,
        name: m.name!,
        type: (m.type as 'STANDARD' | 'EXPRESS') ?? 'STANDARD',
        definition: m.definition ?? '{}',
      });
    }),
    each('AWS::Kinesis::Stream', async (r) => {
      const { StreamDescriptionSummary: s } = await clientFor(KinesisClient, target).send(
        new DescribeStreamSummaryCommand({ StreamName: r.physicalId }),
      );
      snapshot.streams.push({
        arn: s!.StreamARN!,
        name: s!.StreamName!,
        shards: s!.OpenShardCount ?? 1,
        mode: (s!.StreamModeDetails?.StreamMode as 'PROVISIONED' | 'ON_DEMAND') ?? 'PROVISIONED',
        createdAt: s!.StreamCreationTimestamp ? new Date(s!.StreamCreationTimestamp).getTime() : undefined,
      });
    }),
    each('AWS::DynamoDB::Table', async (r) => {
      const { Table: t } = await clientFor(DynamoDBClient, target).send(new DescribeTableCommand({ TableName: r.physicalId }));
      snapshot.tables.push({
        arn: t!.TableArn ?? arn('dynamodb', `table/${r.physicalId}`),
        name: t!.TableName!,
        billingMode: t!.BillingModeSummary?.BillingMode,
      });
    }),
    each('AWS::ApiGateway::RestApi', async (r) => {
      const apigw = clientFor(APIGatewayClient, target);
      const [api, stages] = await Promise.all([
        apigw.send(new GetRestApiCommand({ restApiId: r.physicalId })),
        apigw.send(new GetStagesCommand({ restApiId: r.physicalId })),
      ]);
      snapshot.apis.push({ id: r.physicalId, name: api.name ?? r.physicalId, stages: (stages.item ?? []).map((s) => s.stageName!) });
    }),
  ]);
  return snapshot;
}
