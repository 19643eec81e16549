import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseArn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { EventBridgeService } from '../events/service.ts';
import type { IamService } from '../iam/service.ts';
import type { LambdaService } from '../lambda/service.ts';
import type { SnsService } from '../sns/service.ts';
import { TaskError } from './errors.ts';
import type { IntegratedService, TaskResource } from './resources.ts';

/** What the integrations call: the local cloud's services, reached as Step Functions reaches them. */
export interface IntegrationServices {
  lambda: LambdaService;
  sns: SnsService;
  eventBridge: EventBridgeService;
  iam: IamService;
  dynamodb: DynamoDBClient;
  sqsIn(region: string): SQSClient;
}

/** The call a task makes: the API action and the resource IAM checks it against. */
interface Call {
  action: string;
  resource: string;
  run(): Promise<unknown>;
}

// How Step Functions names a failed service call in Error: `<Service>.<exception>`.
const ERROR_PREFIX: Record<IntegratedService, string> = {
  lambda: 'Lambda',
  dynamodb: 'DynamoDB',
  sns: 'SNS',
  sqs: 'SQS',
  events: 'EventBridge',
};
// What AWS reports when the state machine's role may not make the call.
const ACCESS_DENIED: Record<IntegratedService, string> = {
  lambda: 'Lambda.AWSLambdaException',
  dynamodb: 'DynamoDB.AmazonDynamoDBException',
  sns: 'SNS.AuthorizationErrorException',
  sqs: 'SQS.AmazonSQSException',
  events: 'EventBridge.AmazonEventBridgeException',
};

/** The metadata every AWS SDK integration adds to the API's answer. */
const sdkMetadata = () => ({
  SdkHttpMetadata: { HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0' }, HttpStatusCode: 200 },
  SdkResponseMetadata: { RequestId: randomUUID() },
});

/**
 * Runs the service call of one Task state with the state machine's role: IAM decides first (a
 * role without the permission fails the task, as on AWS), then the call goes to the local
 * cloud's service. Service errors become task errors Retry and Catch can match.
 */
export async function callIntegration(
  services: IntegrationServices,
  resource: TaskResource,
  parameters: any,
  roleArn: string,
  context: RequestContext,
): Promise<unknown> {
  const service: IntegratedService = resource.kind === 'lambda-arn' ? 'lambda' : resource.service;
  try {
    const call =
      resource.kind === 'lambda-arn'
        ? lambdaArnCall(services, resource.functionArn, parameters, context)
        : integrationCall(services, resource.service, resource.api, parameters ?? {}, context);
    authorize(services.iam, service, roleArn, call);
    return await call.run();
  } catch (error) {
    if (error instanceof TaskError) throw error;
    const name = error instanceof AwsError ? error.code : ((error as Error).name ?? 'Exception');
    throw new TaskError(`${ERROR_PREFIX[service]}.${name}`, (error as Error).message);
  }
}

function authorize(iam: IamService, service: IntegratedService, roleArn: string, call: Call): void {
  const role = iam.roleByArn(roleArn);
  const decision = role ? iam.decide(role, call.action, call.resource) : 'implicitDeny';
  if (decision === 'allowed') return;
  const roleName = roleArn.split('/').pop();
  throw new TaskError(
    ACCESS_DENIED[service],
    `User: arn:aws:sts::${parseArn(roleArn)?.accountId ?? ''}:assumed-role/${roleName}/states is not authorized to perform: ${call.action} on resource: ${call.resource} because no identity-based policy allows the ${call.action} action (Status Code: 403; Error Code: AccessDenied)`,
  );
}

/** A Lambda function ARN as the Resource: the state's input is the event, the function's return value the result. */
function lambdaArnCall(services: IntegrationServices, functionArn: string, input: unknown, context: RequestContext): Call {
  return {
    action: 'lambda:InvokeFunction',
    resource: functionArn,
    run: async () => invokeFunction(services.lambda, functionArn, input, context),
  };
}

async function invokeFunction(lambda: LambdaService, functionName: string, payload: unknown, context: RequestContext): Promise<unknown> {
  const fn = lambda.fn(functionName, context);
  const report = await lambda.run(fn, payload ?? {}, 'states');
  if (report.throttled) throw new TaskError('Lambda.TooManyRequestsException', 'Rate Exceeded. (Service: Lambda, Status Code: 429)');
  // A function error fails the task with the function's error type: this is what the labs' Catch matches.
  if (report.error) throw new TaskError(report.error.errorType, JSON.stringify(report.error));
  return report.result ?? null;
}

function integrationCall(services: IntegrationServices, service: IntegratedService, api: string, p: any, context: RequestContext): Call {
  const required = (name: string) => {
    if (p[name] === undefined) throw new TaskError('States.Runtime', `The parameters of ${service}:${api} must include '${name}'.`);
    return p[name];
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  switch (`${service}:${api}`) {
    case 'lambda:invoke': {
      const functionName = String(required('FunctionName'));
      const functionArn = functionName.startsWith('arn:')
        ? functionName
        : `arn:aws:lambda:${context.region}:${context.accountId}:function:${functionName}`;
      return {
        action: 'lambda:InvokeFunction',
        resource: functionArn,
        run: async () => {
          const fn = services.lambda.fn(functionArn, context);
          if (p.InvocationType === 'Event') {
            services.lambda.enqueueAsync(fn, p.Payload ?? {}, 'states');
            return { ExecutedVersion: '$LATEST', Payload: '', StatusCode: 202, ...sdkMetadata() };
          }
          if (p.InvocationType !== undefined && p.InvocationType !== 'RequestResponse')
            throw new TaskError(
              'Lambda.InvalidParameterValueException',
              `InvocationType ${p.InvocationType} is not supported by the local cloud.`,
            );
          const payload = await invokeFunction(services.lambda, fn.arn, p.Payload, context);
          return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200, ...sdkMetadata() };
        },
      };
    }
    case 'dynamodb:putItem':
    case 'dynamodb:getItem':
    case 'dynamodb:updateItem':
    case 'dynamodb:deleteItem': {
      const table = String(required('TableName'));
      const Command = { putItem: PutItemCommand, getItem: GetItemCommand, updateItem: UpdateItemCommand, deleteItem: DeleteItemCommand }[
        api as 'putItem'
      ];
      return {
        action: `dynamodb:${api[0].toUpperCase()}${api.slice(1)}`,
        resource: `arn:aws:dynamodb:${context.region}:${context.accountId}:table/${table}`,
        run: async () => {
          const { $metadata: _, ...output } = await services.dynamodb.send(new Command(p));
          return { ...output, ...sdkMetadata() };
        },
      };
    }
    case 'sns:publish': {
      const topicArn = String(p.TopicArn ?? p.TargetArn ?? required('TopicArn'));
      return {
        action: 'sns:Publish',
        resource: topicArn,
        // A JSON Message in the parameters is sent as its JSON text, as AWS does.
        run: async () => {
          // The SNS service takes the query protocol's attribute list; the task names them in a map.
          const MessageAttributes = Object.entries<any>(p.MessageAttributes ?? {}).map(([Name, Value]) => ({ Name, Value }));
          return {
            ...(await services.sns.publish({ ...p, TopicArn: topicArn, Message: text(required('Message')), MessageAttributes })),
            ...sdkMetadata(),
          };
        },
      };
    }
    case 'sqs:sendMessage': {
      const queueUrl = String(required('QueueUrl'));
      const [, accountId, queueName] = /\/(\d{12})\/([^/?]+)$/.exec(queueUrl) ?? [];
      if (!queueName) throw new TaskError('SQS.QueueDoesNotExistException', `The queue URL ${queueUrl} does not name a queue.`);
      const region = /sqs\.([a-z0-9-]+)\./.exec(queueUrl)?.[1] ?? context.region;
      return {
        action: 'sqs:SendMessage',
        resource: `arn:aws:sqs:${region}:${accountId}:${queueName}`,
        run: async () => {
          const { $metadata: _, ...output } = await services
            .sqsIn(region)
            .send(new SendMessageCommand({ ...p, MessageBody: text(required('MessageBody')) }));
          return { ...output, ...sdkMetadata() };
        },
      };
    }
    case 'events:putEvents': {
      const entries: any[] = required('Entries');
      return {
        action: 'events:PutEvents',
        resource: `arn:aws:events:${context.region}:${context.accountId}:event-bus/${entries[0]?.EventBusName ?? 'default'}`,
        run: async () => {
          const detailed = entries.map((entry) => ({ ...entry, Detail: entry.Detail === undefined ? undefined : text(entry.Detail) }));
          return { ...(await services.eventBridge.actions.PutEvents({ Entries: detailed }, context)), ...sdkMetadata() };
        },
      };
    }
  }
  throw new TaskError('States.Runtime', `The local cloud does not run ${service}:${api}.`);
}
