// Lab 2's rows of the benchmark (scripts/bench.ts): rides through topic → queues → event source
// mappings with none lost, and the worker's throughput against the mapping's on one queue.
// Figures only, no asserts.
import { type AttributeValue, ConditionalCheckFailedException, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { withLabContext } from '../labs/kit/context.ts';
import { dynamodb, lambda, output, sns, sqs } from '../labs/kit/index.ts';
import { stackNameFor, type Target } from '../labs/kit/target.ts';
import { SAMPLE_RIDE } from '../labs/lab-1-fan-out/sample-ride.ts';
import {
  ACCOUNTING,
  deadLetterQueueOf,
  depthOf,
  EXTRAORDINARY,
  mappingOf,
  mappingState,
  NOTIFICATION,
  requireQueue,
  SERVICES,
} from '../labs/lab-2-topic-queue-chaining/services.ts';
import { pollQueue } from '../labs/lab-2-topic-queue-chaining/worker/poll-queue.ts';
import type { LabEngine } from '../src/engine/engine.ts';
import type { EngineEvent } from '../src/engine/events.ts';

type Row = (what: string, figure: string, budget: string) => void;
const quiet = (_: EngineEvent) => undefined;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

const RIDES = 1_000;
const QUEUED = 500;

/** Every item of the Rides table. */
async function scanRides(): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb().send(
      new ScanCommand({ TableName: await output('RidesTableName'), ExclusiveStartKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Publishes `count` rides to the topic, ten per PublishBatch, four batches at a time; returns when each was published. */
async function publishRides(count: number, label: string): Promise<Map<string, number>> {
  const topicArn = await output('TopicArn');
  const published = new Map<string, number>();
  const rides = Array.from({ length: count }, (_, i) => ({
    ...SAMPLE_RIDE,
    id: `${label}-${i}`,
    customer: `${label}-${i}`,
    ...(i % 3 === 0 ? {} : { distance: 5, fare: 12 }),
  }));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < rides.length) {
        const batch = rides.slice(next, next + 10);
        next += 10;
        const now = Date.now();
        await sns().send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: batch.map((ride, i) => ({
              Id: String(i),
              Message: JSON.stringify(ride),
              MessageAttributes: {
                fare: { DataType: 'Number', StringValue: String(ride.fare) },
                distance: { DataType: 'Number', StringValue: String(ride.distance) },
              },
            })),
          }),
        );
        for (const ride of batch) published.set(ride.id, now);
      }
    }),
  );
  return published;
}

/** 1,000 rides through the topic to the three services' queues and consumers: none lost, how fast. */
async function ridesThroughTheChain(row: Row): Promise<void> {
  const started = Date.now();
  const published = await publishRides(RIDES, 'bench');
  const publishMs = Date.now() - started;
  // Every third ride is long and expensive: only those reach Extraordinary Rides.
  const expected = SERVICES.map((s) => (s === EXTRAORDINARY ? Math.ceil(RIDES / 3) : RIDES));
  let items: Record<string, AttributeValue>[] = [];
  const counts = () => SERVICES.map((s) => items.filter((item) => item[s.mark]).length);
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(250)) {
    items = (await scanRides()).filter((item) => published.has(item.id.S!));
    if (counts().every((n, i) => n >= expected[i])) break;
  }
  const handled = counts();
  const latencies: number[] = [];
  let last = 0;
  for (const item of items) {
    const at = published.get(item.id.S!);
    if (at === undefined) continue;
    for (const service of SERVICES) {
      const mark = item[service.mark]?.S;
      if (!mark) continue;
      const time = Date.parse(mark);
      latencies.push(time - at);
      last = Math.max(last, time);
    }
  }
  const left = [];
  for (const service of SERVICES) {
    const url = await requireQueue(service.queue);
    const { visible, inFlight } = await depthOf(url);
    const dead = (await depthOf((await deadLetterQueueOf(url))!.url)).visible;
    if (visible + inFlight + dead > 0) left.push(`${service.name}: ${visible} waiting, ${inFlight} in flight, ${dead} dead`);
  }
  const deliveries = handled.reduce((a, b) => a + b, 0);
  const lost = expected.reduce((a, b) => a + b, 0) - deliveries;
  row(`lab-2: ${RIDES} rides published (PublishBatch), rides/s`, `${Math.round((RIDES * 1000) / publishMs)}/s`, '');
  row(`lab-2: deliveries handled (of ${expected.reduce((a, b) => a + b, 0)}), lost`, `${deliveries}, ${lost} lost`, '0 lost');
  if (left.length) row('lab-2: left in queues after the run', left.join('; '), 'nothing');
  row('lab-2: topic → queues → mappings throughput, deliveries/s', `${Math.round((deliveries * 1000) / (last - started))}/s`, '');
  row('lab-2: publish → consumer handled, end to end, p50', ms(percentile(latencies, 50)), '');
  row('lab-2: publish → consumer handled, end to end, p99', ms(percentile(latencies, 99)), '');
}

/** Fills a queue with rides sent straight to it (its mapping switched off). */
async function fillQueue(queueUrl: string, label: string): Promise<void> {
  for (let i = 0; i < QUEUED; i += 10) {
    await sqs().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify({ ...SAMPLE_RIDE, id: `${label}-${i + j}` }),
        })),
      }),
    );
  }
}

async function switchMapping(uuid: string, enabled: boolean): Promise<void> {
  await lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }));
  while ((await mappingState(uuid)) !== (enabled ? 'Enabled' : 'Disabled')) await sleep(20);
}

/** Waits until a queue holds nothing; the milliseconds it took from `since`. */
async function drained(queueUrl: string, since: number): Promise<number> {
  for (;;) {
    const { visible, inFlight } = await depthOf(queueUrl);
    if (visible + inFlight === 0) return Date.now() - since;
    await sleep(20);
  }
}

/**
 * The same work (mark each ride charged, once) on the same queue: by Customer Accounting's event
 * source mapping (Lambda, maxConcurrency 5), and by the long-polling worker in this process.
 */
async function workerAgainstMapping(row: Row): Promise<void> {
  const queueUrl = await requireQueue(ACCOUNTING.queue);
  const mapping = (await mappingOf(ACCOUNTING))!;
  const table = await output('RidesTableName');
  await switchMapping(mapping.UUID!, false);
  await fillQueue(queueUrl, 'esm');
  let started = Date.now();
  await switchMapping(mapping.UUID!, true);
  const mappingMs = await drained(queueUrl, started);
  row(`lab-2: ${QUEUED} queued rides, event source mapping (5 pollers), msgs/s`, `${Math.round((QUEUED * 1000) / mappingMs)}/s`, '');

  await switchMapping(mapping.UUID!, false);
  // What the consumer does for each ride, done by a process instead of a function.
  const charge = async (body: string) => {
    const { id } = JSON.parse(body) as { id: string };
    try {
      await dynamodb().send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: id } },
          UpdateExpression: 'SET #a = :now',
          ConditionExpression: 'attribute_not_exists(#a)',
          ExpressionAttributeNames: { '#a': ACCOUNTING.mark },
          ExpressionAttributeValues: { ':now': { S: new Date().toISOString() } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };
  for (const concurrency of [1, 5]) {
    await fillQueue(queueUrl, `worker-${concurrency}`);
    const stop = new AbortController();
    started = Date.now();
    const running = pollQueue({
      sqs: sqs(),
      queueUrl,
      signal: stop.signal,
      log: () => undefined,
      waitSeconds: 1,
      concurrency,
      handle: async (message) => charge(message.Body!),
    });
    const workerMs = await drained(queueUrl, started);
    stop.abort();
    await running;
    row(
      `lab-2: ${QUEUED} queued rides, worker process (${concurrency} receive loop${concurrency > 1 ? 's' : ''}), msgs/s`,
      `${Math.round((QUEUED * 1000) / workerMs)}/s`,
      '',
    );
  }
  await switchMapping(mapping.UUID!, true);
}

/** Deploys Lab 2's solution, runs its rows, destroys it. */
export async function benchLab2(engine: LabEngine, target: Target, row: Row): Promise<void> {
  if (!(await engine.deploy('lab-2', { solution: true, step: Number.POSITIVE_INFINITY }, quiet))) throw new Error('deploy lab-2 failed');
  const context = {
    target,
    labId: 'lab-2',
    stackName: stackNameFor(target, 'lab-2'),
    print: () => undefined,
    signal: new AbortController().signal,
  };
  try {
    await withLabContext(context, async () => {
      // Warm the consumers (their first environments start cold), then measure.
      await publishRides(30, 'warm-up');
      for (const service of [NOTIFICATION, ACCOUNTING]) await drained(await requireQueue(service.queue), Date.now());
      await sleep(1_500);
      await ridesThroughTheChain(row);
      await workerAgainstMapping(row);
    });
  } finally {
    await engine.destroy('lab-2', quiet);
  }
}
