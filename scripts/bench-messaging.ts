// The messaging rows of the benchmark (scripts/bench.ts): SQS throughput through the endpoint
// against fauxqs alone, and SNS → SQS → Lambda latency. Figures only, no asserts.
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { clientConfig } from '../labs/kit/clients.ts';
import type { Target } from '../labs/kit/target.ts';
import type { RunningCloud } from '../src/cloud/cloud.ts';
import { handlerZip, TEST_ROLE } from '../src/cloud/testing/lambda-zip.ts';

type Row = (what: string, figure: string, budget: string) => void;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

const SENDS = 1_000;
const CONCURRENCY = 16;
const perSecond = (count: number, ms: number) => Math.round((count * 1000) / ms);

/** Runs `count` operations, `workers` at a time; returns the elapsed milliseconds. */
async function timed(count: number, workers: number, operation: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) await operation(next++);
    }),
  );
  return performance.now() - started;
}

/** Sends per second into a fresh queue of `sqs`. */
async function sendRate(sqs: SQSClient, queueName: string, workers: number): Promise<number> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  await timed(50, workers, () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'warm-up' })));
  return perSecond(SENDS, await timed(SENDS, workers, (i) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `ride-${i}` }))));
}

/** Messages per second received and deleted (batches of 10) from a queue filled beforehand. */
async function consumeRate(sqs: SQSClient, queueName: string, workers: number): Promise<number> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  await timed(SENDS / 10, 4, (b) =>
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `ride-${b}-${i}` })),
      }),
    ),
  );
  let consumed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (consumed < SENDS) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        if (Messages.length === 0) continue;
        consumed += Messages.length;
        await sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }),
        );
      }
    }),
  );
  return perSecond(consumed, performance.now() - started);
}

/**
 * SQS send and receive+delete throughput through the endpoint against fauxqs alone, same run.
 * fauxqs alone persists to `dataDir` as the cloud's does, so the ratio is the gateway's cost.
 */
export async function sqsThroughput(target: Target, row: Row, dataDir: string): Promise<void> {
  const alone = await startFauxqs({ port: 0, logger: false, host: 'localhost', dataDir });
  const direct = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${alone.port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const endpoint = new SQSClient(clientConfig(target));
  try {
    for (const workers of [1, CONCURRENCY]) {
      const label = workers === 1 ? 'sequential' : `${workers} concurrent clients`;
      const fauxqs = await sendRate(direct, `bench-send-alone-${workers}`, workers);
      const cloud = await sendRate(endpoint, `bench-send-${workers}`, workers);
      row(`SQS sends/s, ${label}: fauxqs alone`, `${fauxqs}/s`, '');
      row(`SQS sends/s, ${label}: through the endpoint`, `${cloud}/s`, '');
      row(`  ratio endpoint / fauxqs alone`, `${(cloud / fauxqs).toFixed(2)}×`, '≥ 0.9×');
      const fauxqsConsume = await consumeRate(direct, `bench-consume-alone-${workers}`, workers);
      const cloudConsume = await consumeRate(endpoint, `bench-consume-${workers}`, workers);
      row(`SQS receive+delete msgs/s, ${label}: fauxqs alone`, `${fauxqsConsume}/s`, '');
      row(`SQS receive+delete msgs/s, ${label}: endpoint`, `${cloudConsume}/s`, '');
      row(`  ratio endpoint / fauxqs alone`, `${(cloudConsume / fauxqsConsume).toFixed(2)}×`, '');
    }
  } finally {
    direct.destroy();
    endpoint.destroy();
    await alone.stop();
  }
}

/**
 * SNS publish → SQS subscription → event source mapping → function, timed from just before the
 * Publish call to the invocation's event on the cloud's event stream (the handler has returned).
 */
export async function snsSqsLambdaLatency(cloud: RunningCloud, target: Target, row: Row, samples = 100): Promise<void> {
  const config = clientConfig(target);
  const [sns, sqs, lambda] = [new SNSClient(config), new SQSClient(config), new LambdaClient(config)];
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'bench-chain' }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-chain' }));
  const QueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: QueueArn,
              Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
            },
          ],
        }),
      },
    }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
  const { FunctionArn } = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'bench-chain',
      Runtime: 'nodejs22.x',
      Role: TEST_ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: handlerZip('exports.handler = async () => {};') },
    }),
  );
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'bench-chain', EventSourceArn: QueueArn, BatchSize: 1 }));

  // Each invocation event of the function resolves the one message in flight.
  let arrived: (() => void) | undefined;
  const stop = cloud.services.activity.subscribe((event) => {
    if (event.service === 'lambda' && event.type === 'invoked' && event.resource === FunctionArn) arrived?.();
  });
  const once = async () => {
    const done = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no invocation within 10 s of a publish')), 10_000);
      arrived = () => {
        clearTimeout(timer);
        resolve(performance.now());
      };
    });
    const started = performance.now();
    await sns.send(new PublishCommand({ TopicArn, Message: 'ride' }));
    return (await done) - started;
  };
  const latencies: number[] = [];
  try {
    for (let i = 0; i < 3; i++) await once(); // warm-up: the function's first environment starts cold
    for (let i = 0; i < samples; i++) latencies.push(await once());
  } finally {
    stop();
    sns.destroy();
    sqs.destroy();
    lambda.destroy();
  }
  row(`SNS → SQS → Lambda, publish → invoked, p50 (n=${samples})`, ms(percentile(latencies, 50)), '(AWS SQS→Lambda: 16 ms)');
  row('SNS → SQS → Lambda, publish → invoked, p99', ms(percentile(latencies, 99)), '(AWS SQS→Lambda: 105 ms)');
}
