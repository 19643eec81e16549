import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { handlerZip, TEST_ROLE } from '../lambda-zip.ts';
import type { ChildCloud } from './child-cloud.ts';
import { Random } from './random.ts';
import { stepFunctionsRole } from './roles.ts';

// Crash and restart: a mixed workload against a local cloud in a child process, killed with
// SIGKILL at a random moment (nothing flushed, nothing stopped), started again on the same data,
// and every write it had acknowledged (answered 200) looked for. Messages, records and log lines
// are counted at the end: each acknowledged one must be there.

/** What a crash run found. */
export interface CrashFigures {
  seed: number;
  kills: number;
  /** Writes the cloud answered with success before it was killed. */
  acknowledged: number;
  /** Acknowledged writes missing after a restart, each with what was missing. */
  lost: string[];
  /** Acknowledged writes by kind. */
  byKind: Record<string, number>;
}

const LOCAL = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

/** Clients of one endpoint that fail at once when the cloud is gone (an unanswered write is not acknowledged). */
function clientsOf(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials: LOCAL, maxAttempts: 1 };
  return {
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    dynamodb: new DynamoDBClient(config),
    kinesis: new KinesisClient(config),
    ssm: new SSMClient(config),
    iam: new IAMClient(config),
    events: new EventBridgeClient(config),
    logs: new CloudWatchLogsClient(config),
    sfn: new SFNClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    lambda: new LambdaClient(config),
  };
}
type Clients = ReturnType<typeof clientsOf>;

/** One acknowledged write, and how to find it again (undefined: found; text: what is missing). */
interface Write {
  kind: string;
  check?: (clients: Clients) => Promise<string | undefined>;
}

/** The resources every round writes into, made once before the first kill. */
interface Base {
  queueUrl: string;
  fanOutQueueUrl: string;
  topicArn: string;
  table: string;
  stream: string;
  logGroup: string;
  logStream: string;
  bucket: string;
  /** The role state machines run as. */
  sagaRole: string;
}

/** The queue policy that lets a topic deliver to a queue (as on AWS, SNS needs one). */
export function allowTopic(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

const found = async (call: () => Promise<unknown>, what: string): Promise<string | undefined> => {
  try {
    await call();
    return undefined;
  } catch (error) {
    return `${what}: ${(error as Error).name} ${(error as Error).message}`.slice(0, 300);
  }
};

const ZIP = handlerZip('exports.handler = async (event) => event;');
const DEFINITION = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });

async function createBase(c: Clients, id: string): Promise<Base> {
  const { QueueUrl: queueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: `crash-${id}` }));
  const { QueueUrl: fanOutQueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: `crash-fanout-${id}` }));
  const { TopicArn: topicArn } = await c.sns.send(new CreateTopicCommand({ Name: `crash-${id}` }));
  const { Attributes } = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: fanOutQueueUrl, AttributeNames: ['QueueArn'] }));
  await c.sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: fanOutQueueUrl, Attributes: { Policy: allowTopic(Attributes!.QueueArn!, topicArn!) } }),
  );
  await c.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes!.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  const table = `crash-${id}`;
  await c.dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const stream = `crash-${id}`;
  await c.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  const logGroup = `/crash/${id}`;
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: logGroup }));
  await c.logs.send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: 'main' }));
  const bucket = `crash-${id}`;
  await c.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const sagaRole = await stepFunctionsRole(c.iam, `crash-${id}`, []);
  return {
    sagaRole,
    queueUrl: queueUrl!,
    fanOutQueueUrl: fanOutQueueUrl!,
    topicArn: topicArn!,
    table,
    stream,
    logGroup,
    logStream: 'main',
    bucket,
  };
}

/** Everything a run expects to find at the end: message bodies per queue, records, log lines. */
interface Expected {
  queue: Set<string>;
  fanOut: Set<string>;
  records: Set<string>;
  logLines: Set<string>;
}

/** One write of the workload, chosen by `r`: resolves to the write once the cloud acknowledged it. */
async function write(c: Clients, base: Base, r: Random, id: string, expected: Expected): Promise<Write> {
  const kind = r.pick([
    'sqs.send',
    'sqs.send',
    'sns.publish',
    'sns.publish',
    'dynamodb.put',
    'dynamodb.put',
    'kinesis.put',
    'kinesis.put',
    'sqs.createQueue',
    'sns.createTopic',
    'sns.subscribe',
    'ssm.put',
    'iam.createRole',
    'events.putRule',
    'logs.put',
    'logs.createGroup',
    'sfn.create',
    's3.put',
    'lambda.create',
  ] as const);
  switch (kind) {
    case 'sqs.send':
      await c.sqs.send(new SendMessageCommand({ QueueUrl: base.queueUrl, MessageBody: id }));
      expected.queue.add(id);
      return { kind };
    case 'sns.publish':
      await c.sns.send(new PublishCommand({ TopicArn: base.topicArn, Message: id }));
      expected.fanOut.add(id);
      return { kind };
    case 'kinesis.put':
      await c.kinesis.send(new PutRecordCommand({ StreamName: base.stream, PartitionKey: id, Data: new TextEncoder().encode(id) }));
      expected.records.add(id);
      return { kind };
    case 'logs.put':
      await c.logs.send(
        new PutLogEventsCommand({
          logGroupName: base.logGroup,
          logStreamName: base.logStream,
          logEvents: [{ timestamp: Date.now(), message: id }],
        }),
      );
      expected.logLines.add(id);
      return { kind };
    case 'dynamodb.put':
      await c.dynamodb.send(new PutItemCommand({ TableName: base.table, Item: { id: { S: id } } }));
      return {
        kind,
        check: async (k) => {
          const { Item } = await k.dynamodb.send(
            new GetItemCommand({ TableName: base.table, Key: { id: { S: id } }, ConsistentRead: true }),
          );
          return Item ? undefined : `item ${id} of table ${base.table}`;
        },
      };
    case 'sqs.createQueue':
      await c.sqs.send(new CreateQueueCommand({ QueueName: id }));
      return { kind, check: (k) => found(() => k.sqs.send(new GetQueueUrlCommand({ QueueName: id })), `queue ${id}`) };
    case 'sns.createTopic': {
      const { TopicArn } = await c.sns.send(new CreateTopicCommand({ Name: id }));
      return { kind, check: (k) => found(() => k.sns.send(new GetTopicAttributesCommand({ TopicArn })), `topic ${id}`) };
    }
    case 'sns.subscribe': {
      // A queue and its subscription, written to two stores: both survive, or neither was acknowledged.
      const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: `sub-${id}` }));
      const { Attributes } = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await c.sqs.send(
        new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: allowTopic(Attributes!.QueueArn!, base.topicArn) } }),
      );
      const { SubscriptionArn } = await c.sns.send(
        new SubscribeCommand({ TopicArn: base.topicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }),
      );
      return {
        kind,
        check: async (k) => {
          const queue = await found(() => k.sqs.send(new GetQueueUrlCommand({ QueueName: `sub-${id}` })), `queue sub-${id}`);
          if (queue) return queue;
          const arns: string[] = [];
          let NextToken: string | undefined;
          do {
            const page = await k.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: base.topicArn, NextToken }));
            arns.push(...(page.Subscriptions ?? []).map((s) => s.SubscriptionArn!));
            NextToken = page.NextToken;
          } while (NextToken);
          return arns.includes(SubscriptionArn!) ? undefined : `subscription of queue sub-${id} to ${base.topicArn}`;
        },
      };
    }
    case 'ssm.put':
      await c.ssm.send(new PutParameterCommand({ Name: `/crash/${id}`, Value: id, Type: 'String' }));
      return {
        kind,
        check: async (k) => {
          const { Parameter } = await k.ssm.send(new GetParameterCommand({ Name: `/crash/${id}` }));
          return Parameter?.Value === id ? undefined : `parameter /crash/${id}`;
        },
      };
    case 'iam.createRole':
      await c.iam.send(
        new CreateRoleCommand({ RoleName: id, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
      );
      return { kind, check: (k) => found(() => k.iam.send(new GetRoleCommand({ RoleName: id })), `role ${id}`) };
    case 'events.putRule':
      await c.events.send(new PutRuleCommand({ Name: id, EventPattern: JSON.stringify({ source: [id] }) }));
      return { kind, check: (k) => found(() => k.events.send(new DescribeRuleCommand({ Name: id })), `rule ${id}`) };
    case 'logs.createGroup':
      await c.logs.send(new CreateLogGroupCommand({ logGroupName: `/crash/${id}` }));
      return {
        kind,
        check: async (k) => {
          const { logGroups = [] } = await k.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/crash/${id}` }));
          return logGroups.some((g) => g.logGroupName === `/crash/${id}`) ? undefined : `log group /crash/${id}`;
        },
      };
    case 'sfn.create': {
      const { stateMachineArn } = await c.sfn.send(
        new CreateStateMachineCommand({ name: id, definition: DEFINITION, roleArn: base.sagaRole }),
      );
      return { kind, check: (k) => found(() => k.sfn.send(new DescribeStateMachineCommand({ stateMachineArn })), `state machine ${id}`) };
    }
    case 's3.put':
      await c.s3.send(new PutObjectCommand({ Bucket: base.bucket, Key: id, Body: id }));
      return {
        kind,
        check: async (k) => {
          const object = await k.s3.send(new GetObjectCommand({ Bucket: base.bucket, Key: id }));
          return (await object.Body?.transformToString()) === id ? undefined : `object ${id} in ${base.bucket}`;
        },
      };
    case 'lambda.create':
      await c.lambda.send(
        new CreateFunctionCommand({
          FunctionName: id,
          Runtime: 'nodejs22.x',
          Role: TEST_ROLE,
          Handler: 'index.handler',
          Code: { ZipFile: ZIP },
        }),
      );
      return { kind, check: (k) => found(() => k.lambda.send(new GetFunctionCommand({ FunctionName: id })), `function ${id}`) };
  }
}

/** Every message body a queue holds, read until it stays empty (each read kept invisible for the rest of the run). */
async function drain(sqs: SQSClient, QueueUrl: string): Promise<Map<string, number>> {
  const bodies = new Map<string, number>();
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600 }),
    );
    if (Messages.length === 0) empty++;
    else empty = 0;
    for (const m of Messages) bodies.set(m.Body!, (bodies.get(m.Body!) ?? 0) + 1);
  }
  return bodies;
}

async function readRecords(kinesis: KinesisClient, StreamName: string): Promise<Set<string>> {
  const seen = new Set<string>();
  let { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({ StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
  );
  while (ShardIterator) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    for (const record of page.Records ?? []) seen.add(new TextDecoder().decode(record.Data));
    if ((page.Records ?? []).length === 0) break;
    ShardIterator = page.NextShardIterator;
  }
  return seen;
}

async function readLogLines(logs: CloudWatchLogsClient, base: Base): Promise<Set<string>> {
  const seen = new Set<string>();
  let nextToken: string | undefined;
  for (;;) {
    const page = await logs.send(
      new GetLogEventsCommand({ logGroupName: base.logGroup, logStreamName: base.logStream, startFromHead: true, nextToken }),
    );
    for (const event of page.events ?? []) seen.add(event.message!);
    if (!page.nextForwardToken || page.nextForwardToken === nextToken) break;
    nextToken = page.nextForwardToken;
  }
  return seen;
}

/** Runs `checks` a few at a time; returns what each found missing. */
async function checkAll(writes: Write[], clients: Clients): Promise<string[]> {
  const missing: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < writes.length; i = next++) {
        const why = await writes[i].check?.(clients).catch((error: Error) => `${writes[i].kind}: ${error.name} ${error.message}`);
        if (why) missing.push(why);
      }
    }),
  );
  return missing;
}

/**
 * `kills` rounds of: a mixed workload (`concurrency` writers), a SIGKILL of the cloud after a
 * random 300–1500 ms, a restart on the same data, and a check of every write acknowledged so far
 * (earlier rounds' too: a restart must not lose what the one before kept). Messages, records and
 * log lines are counted once at the end.
 */
export async function crashAndRestart(
  cloud: ChildCloud,
  options: { seed: number; kills: number; concurrency?: number; progress?: (line: string) => void },
): Promise<CrashFigures> {
  const random = new Random(options.seed);
  const figures: CrashFigures = { seed: options.seed, kills: 0, acknowledged: 0, lost: [], byKind: {} };
  let clients = clientsOf(cloud.endpoint);
  const base = await createBase(clients, String(options.seed));
  const expected: Expected = { queue: new Set(), fanOut: new Set(), records: new Set(), logLines: new Set() };
  const writes: Write[] = [];
  let sequence = 0;
  for (let round = 0; round < options.kills; round++) {
    const r = random.fork(round);
    const killAfterMs = r.int(300, 1_500);
    let killed = false;
    const writer = async (w: number) => {
      const wr = r.fork(`writer-${w}`);
      while (!killed) {
        const id = `w${options.seed}-${round}-${sequence++}`;
        try {
          const done = await write(clients, base, wr, id, expected);
          // Acknowledged only if the answer came: a write answered just as the kill landed still counts.
          writes.push(done);
          figures.acknowledged++;
          figures.byKind[done.kind] = (figures.byKind[done.kind] ?? 0) + 1;
        } catch {
          // Not acknowledged (the cloud went away mid-call, or refused): nothing is owed.
        }
      }
    };
    const running = Promise.all(Array.from({ length: options.concurrency ?? 6 }, (_, w) => writer(w)));
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    killed = true; // no new writes; those in flight meet the kill
    await cloud.kill();
    await running;
    figures.kills++;
    await cloud.start();
    clients = clientsOf(cloud.endpoint);
    const missing = await checkAll(writes, clients);
    figures.lost.push(...missing.map((m) => `after kill ${round + 1}: ${m}`));
    options.progress?.(
      `kill ${round + 1}/${options.kills} after ${killAfterMs} ms: ${figures.acknowledged} writes acknowledged so far, ${missing.length} missing`,
    );
  }
  const [queue, fanOut, records, logLines] = await Promise.all([
    drain(clients.sqs, base.queueUrl),
    drain(clients.sqs, base.fanOutQueueUrl),
    readRecords(clients.kinesis, base.stream),
    readLogLines(clients.logs, base),
  ]);
  for (const id of expected.queue) if (!queue.has(id)) figures.lost.push(`message ${id} sent to ${base.queueUrl}`);
  for (const id of expected.fanOut)
    if (!fanOut.has(id)) figures.lost.push(`message ${id} published to ${base.topicArn} (never reached its queue)`);
  for (const id of expected.records) if (!records.has(id)) figures.lost.push(`record ${id} of stream ${base.stream}`);
  for (const id of expected.logLines) if (!logLines.has(id)) figures.lost.push(`log line ${id} in ${base.logGroup}`);
  return figures;
}
