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

const SENDS = Number(process.env.BENCH_SQS_SENDS ?? 1_000);
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

/** Operations per chunk: fauxqs alone and the endpoint take turns, chunk by chunk. */
const CHUNK = 100;

/** A rate measured for fauxqs alone and for the endpoint: operations per second, and this process's CPU per operation. */
interface Rates {
  perSecond: [number, number];
  cpuMs: [number, number];
}

/**
 * Makes `count` messages' worth of operations on each side (0: fauxqs alone, 1: the endpoint) in
 * turns of about CHUNK messages (`perOperation` each at most), the side that goes first
 * alternating, so that a machine busy with other work slows both alike. `operation(side, i)`
 * does operation `i` of a side and says how many messages it moved. CPU is this process's
 * (clients and servers alike), so the difference between the sides is what the endpoint adds.
 */
async function inTurns(
  count: number,
  workers: number,
  perOperation: number,
  operation: (side: 0 | 1, i: number) => Promise<number>,
): Promise<Rates> {
  const elapsed: [number, number] = [0, 0];
  const cpu: [number, number] = [0, 0];
  const done: [number, number] = [0, 0];
  for (let chunk = 0; done[0] < count || done[1] < count; chunk++) {
    for (const side of (chunk % 2 === 0 ? [0, 1] : [1, 0]) as (0 | 1)[]) {
      if (done[side] >= count) continue;
      const before = process.cpuUsage();
      let made = 0;
      elapsed[side] += await timed(Math.ceil(Math.min(CHUNK, count - done[side]) / perOperation), workers, async (i) => {
        const got = await operation(side, done[side] + i);
        made += got;
      });
      const used = process.cpuUsage(before);
      cpu[side] += (used.user + used.system) / 1000;
      done[side] += made;
    }
  }
  return {
    perSecond: [perSecond(done[0], elapsed[0]), perSecond(done[1], elapsed[1])],
    cpuMs: [cpu[0] / done[0], cpu[1] / done[1]],
  };
}

/** Sends into a fresh queue on each side. */
async function sendRates(sides: [SQSClient, SQSClient], queueName: string, workers: number): Promise<Rates> {
  const urls = await Promise.all(sides.map(async (sqs) => (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl));
  for (const [side, sqs] of sides.entries())
    await timed(50, workers, () => sqs.send(new SendMessageCommand({ QueueUrl: urls[side], MessageBody: 'warm-up' })));
  return inTurns(SENDS, workers, 1, async (side, i) => {
    await sides[side].send(new SendMessageCommand({ QueueUrl: urls[side], MessageBody: `ride-${i}` }));
    return 1;
  });
}

/** Messages received and deleted (batches of 10) from a queue on each side, filled beforehand. */
async function consumeRates(sides: [SQSClient, SQSClient], queueName: string, workers: number): Promise<Rates> {
  const urls = await Promise.all(sides.map(async (sqs) => (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl));
  for (const [side, sqs] of sides.entries())
    await timed(SENDS / 10, 4, (b) =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: urls[side],
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `ride-${b}-${i}` })),
        }),
      ),
    );
  // Each operation is one receive of up to 10 and the delete of what it got.
  return inTurns(SENDS, workers, 10, async (side) => {
    const sqs = sides[side];
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls[side], MaxNumberOfMessages: 10 }));
    if (Messages.length === 0) return 0;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: urls[side],
        Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    return Messages.length;
  });
}

/**
 * SQS send and receive+delete throughput through the endpoint against fauxqs alone, same run,
 * taking turns (see inTurns). fauxqs alone persists to `dataDir` as the cloud's does, so the
 * ratio is the gateway's cost; the CPU rows say the same without the disk's waits.
 */
export async function sqsThroughput(target: Target, row: Row, dataDir: string): Promise<void> {
  const alone = await startFauxqs({ port: 0, logger: false, host: 'localhost', dataDir });
  const direct = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${alone.port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const endpoint = new SQSClient(clientConfig(target));
  const sides: [SQSClient, SQSClient] = [direct, endpoint];
  const cpu = ({ cpuMs: [a, b] }: Rates) => `${a.toFixed(2)} / ${b.toFixed(2)} ms`;
  try {
    for (const workers of [1, CONCURRENCY]) {
      const label = workers === 1 ? 'sequential' : `${workers} concurrent clients`;
      const sends = await sendRates(sides, `bench-send-${workers}`, workers);
      row(`SQS sends/s, ${label}: fauxqs alone`, `${sends.perSecond[0]}/s`, '');
      row(`SQS sends/s, ${label}: through the endpoint`, `${sends.perSecond[1]}/s`, '');
      row(`  ratio endpoint / fauxqs alone`, `${(sends.perSecond[1] / sends.perSecond[0]).toFixed(2)}×`, '≥ 0.9×');
      row('  CPU per send, fauxqs alone / endpoint', cpu(sends), 'client and server, this process');
      const consumed = await consumeRates(sides, `bench-consume-${workers}`, workers);
      row(`SQS receive+delete msgs/s, ${label}: fauxqs alone`, `${consumed.perSecond[0]}/s`, '');
      row(`SQS receive+delete msgs/s, ${label}: endpoint`, `${consumed.perSecond[1]}/s`, '');
      row(`  ratio endpoint / fauxqs alone`, `${(consumed.perSecond[1] / consumed.perSecond[0]).toFixed(2)}×`, '');
      row('  CPU per message, fauxqs alone / endpoint', cpu(consumed), 'client and server, this process');
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
