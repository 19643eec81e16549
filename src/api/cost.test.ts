import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Architecture } from '../engine/architecture/types.ts';
import { consumeRequests, estimateCost, idlePollRequests } from './cost.ts';

const nodes: Architecture['nodes'] = [
  { id: 'api', kind: 'api', label: 'api', aliases: [], facts: {} },
  { id: 'fn', kind: 'function', label: 'fn', aliases: [], facts: { memoryMb: 512 } },
  { id: 'topic', kind: 'topic', label: 'topic', aliases: [], facts: {} },
  { id: 'queue', kind: 'queue', label: 'queue', aliases: [], facts: {} },
  { id: 'sfn', kind: 'state-machine', label: 'sfn', aliases: [], facts: { workflowType: 'STANDARD' } },
  { id: 'stream', kind: 'stream', label: 'stream', aliases: [], facts: { shards: 2, streamMode: 'PROVISIONED', createdAt: 0 } },
];
const architecture: Architecture = {
  lab: 'lab-9',
  stackName: 's',
  deployed: true,
  status: 'CREATE_COMPLETE',
  region: 'us-east-1',
  notes: [],
  nodes,
  edges: [],
};

test('counts times prices: requests, GB-seconds, publishes, deliveries, transitions, shard-hours', () => {
  const counts = {
    api: { 'apigateway.request': 1_000_000 },
    fn: { 'lambda.invoked': 900_000, 'lambda.failed': 100_000, 'lambda.billedMs': 2_000_000 },
    topic: { 'sns.published': 2_000_000, 'sns.delivered': 1_000, 'sns.delivered.sqs': 600, 'sns.delivered.https': 400 },
    sfn: { 'states.state-entered': 4_000 },
  };
  const report = estimateCost({ architecture, counts }, 10 * 3_600_000);
  const usd = Object.fromEntries(report.lines.map((l) => [l.price, Number(l.usd.toFixed(8))]));
  assert.deepEqual(usd, {
    apiGatewayRestRequest: 3.5,
    lambdaRequest: 0.2,
    // 2,000 s × 0.5 GB = 1,000 GB-s
    lambdaGbSecond: 0.0166667,
    snsPublish: 1,
    snsQueueOrFunctionDelivery: 0,
    snsHttpDelivery: 0.00024,
    stepFunctionsTransition: 0.1,
    // 2 shards × 10 hours
    kinesisShardHour: 0.3,
  });
  assert.equal(Number(report.totalUsd.toFixed(6)), Number((3.5 + 0.2 + 0.0166667 + 1 + 0.00024 + 0.1 + 0.3).toFixed(6)));
});

test('what batching and long polling would change', () => {
  const report = estimateCost({ architecture, counts: { topic: { 'sns.published': 95, 'sns.delivered.sqs': 40 } } }, 0);
  const batch = report.whatIfs.find((w) => w.title === 'Publish in batches')!;
  assert.deepEqual([batch.asIs.requests, batch.instead.requests], [95, 10]);
  const consume = report.whatIfs.find((w) => w.title === 'Receive and delete in batches')!;
  assert.deepEqual([consume.asIs.requests, consume.instead.requests], [80, 8]);
  assert.equal(idlePollRequests(24, 1), 86_400);
  assert.equal(idlePollRequests(24, 20), 4_320);
  assert.equal(consumeRequests(11, 10), 4);
});

test('says what it does not count rather than leaving it out silently', () => {
  const report = estimateCost({ architecture, counts: {} }, 0);
  assert.match(report.notCounted.join('\n'), /SQS requests/);
  assert.deepEqual(report.lines, []);
});
