// What a lab's activity would cost on AWS, computed by the lab API with each answer about the
// lab's activity: the page shows the report and carries none of this arithmetic. The price table
// is shared with the page, which shows it (src/lib/prices.ts).
import type { Architecture, ArchNode } from '../engine/architecture/types.ts';
import { PRICES, type PriceKey } from '../lib/prices.ts';
import type { ResourceCounts } from './activity.ts';

/** What the lab API answers for a lab's activity. */
export interface Activity {
  target: 'local' | 'aws' | 'endpoint';
  /** Whether the lab API counts the cloud's events at all (not on AWS). */
  counting: boolean;
  live: boolean;
  since: number | null;
  architecture: Architecture;
  counts: Record<string, ResourceCounts>;
  /** What the counts would cost on AWS (estimateCost). */
  cost: CostReport;
}

export interface CostLine {
  label: string;
  quantity: number;
  unit: string;
  price: PriceKey;
  usd: number;
}

export interface WhatIf {
  title: string;
  /** What the activity cost as it was, and what it would cost done the other way. */
  asIs: { requests: number; usd: number };
  instead: { requests: number; usd: number };
  explanation: string;
}

export interface CostReport {
  lines: CostLine[];
  totalUsd: number;
  whatIfs: WhatIf[];
  /** What this lab's resources did that is not counted, in words. */
  notCounted: string[];
}

const priced = (key: PriceKey, quantity: number) => (quantity * PRICES[key].usd) / PRICES[key].per;
const sum = (nodes: ArchNode[], counts: Record<string, ResourceCounts>, key: string) =>
  nodes.reduce((total, n) => total + (counts[n.id]?.[key] ?? 0), 0);

/** Requests to receive and delete `messages` messages, one by one or in batches of `batch`. */
export function consumeRequests(messages: number, batch: number): number {
  return 2 * Math.ceil(messages / batch);
}

/** Receive requests a consumer makes in `hours` of an empty queue: every `intervalSeconds` with short polling, every 20 s with long polling. */
export function idlePollRequests(hours: number, waitSeconds: number): number {
  return Math.ceil((hours * 3600) / Math.max(1, waitSeconds));
}

/**
 * What the learner's activity in a lab would cost on AWS: the counts of the local cloud's events
 * for the lab's resources times the price table, plus how batching and long polling would change
 * it. `now` is the end of the period for what bills by the hour (a stream's shards).
 */
export function estimateCost(activity: Pick<Activity, 'architecture' | 'counts'>, now = Date.now()): CostReport {
  const { nodes } = activity.architecture;
  const { counts } = activity;
  const of = (kind: ArchNode['kind']) => nodes.filter((n) => n.kind === kind);
  const lines: CostLine[] = [];
  const line = (label: string, quantity: number, price: PriceKey) => {
    if (quantity > 0) lines.push({ label, quantity, unit: PRICES[price].unit, price, usd: priced(price, quantity) });
  };

  line('API Gateway requests', sum(of('api'), counts, 'apigateway.request'), 'apiGatewayRestRequest');
  const functions = of('function');
  const invocations = ['lambda.invoked', 'lambda.failed', 'lambda.timed-out'].reduce(
    (total, key) => total + sum(functions, counts, key),
    0,
  );
  line('Lambda invocations', invocations, 'lambdaRequest');
  const gbSeconds = functions.reduce(
    (total, fn) => total + ((counts[fn.id]?.['lambda.billedMs'] ?? 0) / 1000) * ((fn.facts.memoryMb ?? 128) / 1024),
    0,
  );
  line('Lambda compute, GB-seconds (billed ms × memory)', round(gbSeconds, 6), 'lambdaGbSecond');
  const standardTopics = of('topic').filter((t) => !t.facts.fifo);
  const publishes = sum(standardTopics, counts, 'sns.published');
  line('SNS publishes', publishes, 'snsPublish');
  const queueOrFunctionDeliveries = ['sqs', 'lambda'].reduce((total, p) => total + sum(of('topic'), counts, `sns.delivered.${p}`), 0);
  line('SNS deliveries to queues and functions', queueOrFunctionDeliveries, 'snsQueueOrFunctionDelivery');
  line(
    'SNS deliveries to HTTP/S endpoints',
    ['http', 'https'].reduce((total, p) => total + sum(of('topic'), counts, `sns.delivered.${p}`), 0),
    'snsHttpDelivery',
  );
  line('EventBridge events put on a bus', sum(of('event-bus'), counts, 'events.put-event'), 'eventBridgeCustomEvent');
  const standardMachines = of('state-machine').filter((m) => m.facts.workflowType !== 'EXPRESS');
  line('Step Functions state transitions', sum(standardMachines, counts, 'states.state-entered'), 'stepFunctionsTransition');
  const shardHours = of('stream')
    .filter((s) => s.facts.streamMode !== 'ON_DEMAND' && s.facts.createdAt !== undefined)
    .reduce((total, s) => total + (s.facts.shards ?? 1) * Math.max(0, (now - s.facts.createdAt!) / 3_600_000), 0);
  line('Kinesis shard-hours since the stream was created', round(shardHours, 3), 'kinesisShardHour');

  const whatIfs: WhatIf[] = [];
  if (publishes > 0) {
    const batched = Math.ceil(publishes / 10);
    whatIfs.push({
      title: 'Publish in batches',
      asIs: { requests: publishes, usd: priced('snsPublish', publishes) },
      instead: { requests: batched, usd: priced('snsPublish', batched) },
      explanation: 'PublishBatch sends up to 10 messages in one request, and SNS bills per request (per 64 KB of payload).',
    });
  }
  const queued = queueOrFunctionDeliveries > 0 ? sum(of('topic'), counts, 'sns.delivered.sqs') : 0;
  const ruleToQueue = sum(of('rule'), counts, 'events.delivered');
  const intoQueues = queued + (of('queue').length > 0 ? ruleToQueue : 0);
  if (intoQueues > 0) {
    whatIfs.push({
      title: 'Receive and delete in batches',
      asIs: { requests: consumeRequests(intoQueues, 1), usd: priced('sqsRequest', consumeRequests(intoQueues, 1)) },
      instead: { requests: consumeRequests(intoQueues, 10), usd: priced('sqsRequest', consumeRequests(intoQueues, 10)) },
      explanation: `The ${intoQueues} messages that reached a queue cost a receive and a delete each when taken one by one; ReceiveMessage with MaxNumberOfMessages=10 and DeleteMessageBatch take ten at a time. (Lambda's event source mappings batch for you.)`,
    });
  }
  if (of('queue').length > 0) {
    const day = 24;
    whatIfs.push({
      title: 'Long polling on an empty queue, per consumer and day',
      asIs: { requests: idlePollRequests(day, 1), usd: priced('sqsRequest', idlePollRequests(day, 1)) },
      instead: { requests: idlePollRequests(day, 20), usd: priced('sqsRequest', idlePollRequests(day, 20)) },
      explanation:
        'A consumer that asks an empty queue once a second makes 86,400 receives a day, each billed. With WaitTimeSeconds=20 each receive waits for a message up to 20 seconds: 4,320 a day, and messages still arrive at once.',
    });
  }

  const notCounted: string[] = [];
  if (of('queue').length > 0)
    notCounted.push(
      'SQS requests (sends, receives, deletes, Lambda’s polling of queues): the local cloud’s event stream does not report them yet, so they are not in the total.',
    );
  if (of('table').length > 0) notCounted.push('DynamoDB reads and writes: not reported by the event stream.');
  if (of('stream').length > 0) notCounted.push('Kinesis PUT payload units and on-demand streams: not reported by the event stream.');
  if (of('bucket').length > 0) notCounted.push('S3 requests and storage: not reported by the event stream.');
  if (of('topic').some((t) => t.facts.fifo))
    notCounted.push('FIFO topic publishes: their price (per publish and per payload) is not in the table.');
  if (of('state-machine').some((m) => m.facts.workflowType === 'EXPRESS'))
    notCounted.push('Express workflows (billed per request and duration): not in the table.');
  if (functions.length > 0) notCounted.push('CloudWatch Logs ingestion of your functions’ logs and data transfer: not counted.');
  const totalUsd = lines.reduce((total, l) => total + l.usd, 0);
  return { lines, totalUsd, whatIfs, notCounted };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
