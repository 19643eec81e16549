import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, PublishBatchCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CloudMemory } from '../../memory.ts';
import { createTestFunction } from '../lambda-zip.ts';
import type { ChildCloud } from './child-cloud.ts';
import { allowTopic } from './crash.ts';
import { stepFunctionsRole } from './roles.ts';

// A soak of what the labs build, every message accounted for: orders published to a topic fan out
// to three queues; one is read by the soak itself (audit), one by a Lambda function through an
// event source mapping (billing, which forwards each order to a "billed" queue), and one feeds a
// Step Functions saga per order (reserve in DynamoDB, charge through Lambda, compensate when the
// charge fails, report the outcome on a queue). Beside it, plain queue traffic sent and consumed
// in batches. At the end each order must have arrived exactly once on every path.

/** One path's count: how many were sent, how many distinct arrived, which never did, which arrived more than once. */
export interface PathFigures {
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  /** A few of the lost ones, to look into. */
  lostSamples: string[];
}

export interface SoakFigures {
  orders: number;
  paths: Record<'fanOutAudit' | 'mappingToLambda' | 'saga' | 'directQueue', PathFigures>;
  /** Sagas whose outcome was not the one their order called for (charged when it should have been refunded, or the reverse). */
  wrongOutcomes: string[];
  memoryBefore: CloudMemory;
  memoryPeak: CloudMemory;
  memoryAfter: CloudMemory;
  seconds: number;
}

const LOCAL = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

/** Forwards each order of a batch to the queue in OUT (the billing service of the soak). */
const BILL = `
const { SQSClient, SendMessageBatchCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
exports.handler = async (event) => {
  const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: process.env.OUT,
    Entries: event.Records.map((record, i) => ({ Id: String(i), MessageBody: record.body })),
  }));
  if (Failed.length > 0) throw new Error('could not forward ' + Failed.length + ' orders');
};`;

/** Charges an order; an amount divisible by 3 is declined (the saga then compensates). */
const CHARGE = `
exports.handler = async (order) => {
  if (order.amount % 3 === 0) {
    const error = new Error('card declined for ' + order.id);
    error.name = 'PaymentDeclined';
    throw error;
  }
  return { chargeId: 'ch-' + order.id };
};`;

function sagaDefinition(table: string, resultsUrl: string) {
  const status = (value: string, next: string) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::dynamodb:updateItem',
    Parameters: {
      TableName: table,
      Key: { id: { 'S.$': '$.id' } },
      UpdateExpression: 'SET orderStatus = :s',
      ExpressionAttributeValues: { ':s': { S: value } },
    },
    ResultPath: null,
    Next: next,
  });
  const report = (outcome: string, next: string) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::sqs:sendMessage',
    Parameters: { QueueUrl: resultsUrl, 'MessageBody.$': `States.Format('{}:${outcome}', $.id)` },
    ResultPath: null,
    Next: next,
  });
  return (charge: string) => ({
    StartAt: 'Reserve',
    States: {
      Reserve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: { TableName: table, Item: { id: { 'S.$': '$.id' }, orderStatus: { S: 'reserved' } } },
        ResultPath: null,
        Next: 'Charge',
      },
      Charge: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: charge, 'Payload.$': '$' },
        ResultPath: null,
        // What the CDK's LambdaInvoke adds by default: a throttled or failed invocation is tried again.
        Retry: [
          {
            ErrorEquals: [
              'Lambda.ServiceException',
              'Lambda.AWSLambdaException',
              'Lambda.SdkClientException',
              'Lambda.TooManyRequestsException',
            ],
            IntervalSeconds: 5,
            MaxAttempts: 10,
            BackoffRate: 2,
          },
        ],
        Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.error', Next: 'Refund' }],
        Next: 'Complete',
      },
      Complete: status('completed', 'ReportCompleted'),
      ReportCompleted: report('completed', 'Done'),
      Done: { Type: 'Succeed' },
      Refund: status('refunded', 'ReportRefunded'),
      ReportRefunded: report('refunded', 'Declined'),
      Declined: { Type: 'Fail', Error: 'OrderDeclined', Cause: 'The card was declined; the reservation was released.' },
    },
  });
}

/** Receives from a queue until told to stop, counting each body, deleting what it read. */
class Consumer {
  readonly counts = new Map<string, number>();
  lastArrival = Date.now();
  private stopped = false;
  private failure?: Error;
  private readonly running: Promise<void>[];

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    readers: number,
    private readonly onMessage?: (body: string) => Promise<void>,
  ) {
    this.running = Array.from({ length: readers }, () =>
      this.read().catch((error: Error) => {
        this.failure ??= error;
      }),
    );
  }

  private async read(): Promise<void> {
    while (!this.stopped) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        this.counts.set(message.Body!, (this.counts.get(message.Body!) ?? 0) + 1);
        await this.onMessage?.(message.Body!);
      }
      if (Messages.length > 0) {
        this.lastArrival = Date.now();
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
    if (this.failure) throw new Error(`reading ${this.queueUrl} failed: ${this.failure.message}`);
  }
}

function account(expected: string[], counts: Map<string, number>): PathFigures {
  const lost = expected.filter((id) => !counts.has(id));
  let duplicated = 0;
  for (const count of counts.values()) duplicated += count - 1;
  return { sent: expected.length, received: counts.size, lost: lost.length, duplicated, lostSamples: lost.slice(0, 5) };
}

/**
 * Runs the soak: `orders` orders published in batches of 10 (with as many plain queue messages
 * beside them), then waits until every path has delivered everything or nothing has arrived for
 * `quietSeconds`. Memory is read from the cloud's health endpoint (its process, the emulators and
 * every Lambda environment) before, during and after.
 */
export async function soak(
  cloud: ChildCloud,
  options: { orders: number; quietSeconds?: number; progress?: (line: string) => void },
): Promise<SoakFigures> {
  const started = Date.now();
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: LOCAL };
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  const lambda = new LambdaClient(config);
  const sfn = new SFNClient(config);
  const dynamodb = new DynamoDBClient(config);
  const id = Math.random().toString(36).slice(2, 8);
  const queue = async (name: string, attributes: Record<string, string> = {}) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `soak-${name}-${id}`, Attributes: attributes }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    return { url: QueueUrl!, arn: Attributes!.QueueArn! };
  };
  const memoryBefore = await cloud.memory();

  // The fan-out: a topic and three subscribed queues.
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `soak-orders-${id}` }));
  const audit = await queue('audit');
  const billing = await queue('billing', { VisibilityTimeout: '120' });
  const sagaQueue = await queue('saga');
  for (const q of [audit, billing, sagaQueue]) {
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { Policy: allowTopic(q.arn, TopicArn!) } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }));
  }
  // Billing: an event source mapping from its queue to a function forwarding to "billed".
  const billed = await queue('billed');
  const fn = async (name: string, source: string, env: Record<string, string> = {}) => {
    const FunctionName = `soak-${name}-${id}`;
    await createTestFunction(lambda, FunctionName, source, { Timeout: 20, Environment: { Variables: env } });
    return FunctionName;
  };
  const bill = await fn('bill', BILL, { OUT: billed.url });
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: bill, EventSourceArn: billing.arn, BatchSize: 10 }));
  // The saga: a table, the charge function, a results queue.
  const table = `soak-orders-${id}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const charge = await fn('charge', CHARGE);
  const results = await queue('results');
  const roleArn = await stepFunctionsRole(new IAMClient(config), `soak-saga-${id}`, [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'lambda:InvokeFunction',
    'sqs:SendMessage',
  ]);
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `soak-saga-${id}`,
      roleArn,
      definition: JSON.stringify(sagaDefinition(table, results.url)(charge)),
    }),
  );
  const direct = await queue('direct');

  // Consumers: audit and billed are read; each saga order starts an execution; results are read.
  const amounts = new Map<string, number>();
  const auditReader = new Consumer(sqs, audit.url, 2);
  const billedReader = new Consumer(sqs, billed.url, 2);
  const sagaStarter = new Consumer(sqs, sagaQueue.url, 2, async (body) => {
    const order = JSON.parse(body) as { id: string; amount: number };
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: order.id, input: body }));
  });
  const resultsReader = new Consumer(sqs, results.url, 2);
  const directReader = new Consumer(sqs, direct.url, 2);
  let memoryPeak = memoryBefore;
  const sample = setInterval(() => {
    cloud.memory().then(
      (memory) => {
        if (memory.totalBytes > memoryPeak.totalBytes) memoryPeak = memory;
      },
      () => undefined,
    );
  }, 2_000);

  // Producers: orders in batches of ten, published and (as plain messages) sent, four batches at a time.
  const orders: string[] = [];
  const directBodies: string[] = [];
  let next = 0;
  let reported = 0;
  const batches = Math.ceil(options.orders / 10);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let batch = next++; batch < batches; batch = next++) {
        const entries = Array.from({ length: Math.min(10, options.orders - batch * 10) }, (_, i) => {
          const orderId = `order-${id}-${batch * 10 + i}`;
          const amount = ((batch * 10 + i) % 7) + 1;
          amounts.set(orderId, amount);
          return { Id: String(i), Message: JSON.stringify({ id: orderId, amount }) };
        });
        const published = await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));
        if ((published.Failed ?? []).length > 0) throw new Error(`PublishBatch failed for ${JSON.stringify(published.Failed)}`);
        for (const entry of entries) orders.push(entry.Message);
        const sent = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: direct.url,
            Entries: entries.map((e) => ({ Id: e.Id, MessageBody: `direct:${e.Message}` })),
          }),
        );
        if ((sent.Failed ?? []).length > 0) throw new Error(`SendMessageBatch failed for ${JSON.stringify(sent.Failed)}`);
        for (const entry of entries) directBodies.push(`direct:${entry.Message}`);
        if (orders.length >= reported + 500) {
          reported = orders.length - (orders.length % 500);
          options.progress?.(`${reported}/${options.orders} orders sent`);
        }
      }
    }),
  );
  options.progress?.(`${orders.length} orders sent; waiting for every path to deliver them`);

  // Wait until every path delivered everything, or nothing arrived anywhere for quietSeconds.
  const outcomes = () => new Map([...resultsReader.counts].map(([body, count]) => [body.split(':')[0], count]));
  const readers = [auditReader, billedReader, sagaStarter, resultsReader, directReader];
  const quietMs = (options.quietSeconds ?? 30) * 1_000;
  for (;;) {
    const complete =
      orders.every((o) => auditReader.counts.has(o) && billedReader.counts.has(o)) &&
      directBodies.every((b) => directReader.counts.has(b)) &&
      outcomes().size >= orders.length;
    if (complete) break;
    if (Date.now() - Math.max(...readers.map((r) => r.lastArrival)) > quietMs) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // A moment more for anything arriving twice, then stop reading.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await Promise.all(readers.map((r) => r.stop()));
  clearInterval(sample);
  const memoryAfter = await cloud.memory();

  const orderIds = orders.map((o) => (JSON.parse(o) as { id: string }).id);
  const wrongOutcomes: string[] = [];
  for (const body of resultsReader.counts.keys()) {
    const [orderId, outcome] = body.split(':');
    const expected = amounts.get(orderId)! % 3 === 0 ? 'refunded' : 'completed';
    if (outcome !== expected) wrongOutcomes.push(`${orderId}: ${outcome}, expected ${expected}`);
  }
  // A saga that reported nothing: why its execution ended (or that it never started).
  const saga = account(orderIds, outcomes());
  saga.lostSamples = await Promise.all(
    saga.lostSamples.map(async (orderId) => {
      const executionArn = `${stateMachineArn!.replace(':stateMachine:', ':execution:')}:${orderId}`;
      try {
        const { status, error, cause } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return `${orderId}: ${status} ${error ?? ''} ${(cause ?? '').slice(0, 200)}`;
      } catch (failure) {
        return `${orderId}: no execution (${(failure as Error).name})`;
      }
    }),
  );
  return {
    orders: orders.length,
    paths: {
      fanOutAudit: account(orders, auditReader.counts),
      mappingToLambda: account(orders, billedReader.counts),
      saga,
      directQueue: account(directBodies, directReader.counts),
    },
    wrongOutcomes,
    memoryBefore,
    memoryPeak,
    memoryAfter,
    seconds: (Date.now() - started) / 1_000,
  };
}
