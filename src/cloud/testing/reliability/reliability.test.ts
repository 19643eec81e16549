import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_MAX_ENVIRONMENTS } from '../../cloud.ts';
import { ChildCloud } from './child-cloud.ts';
import { crashAndRestart } from './crash.ts';
import { fuzz } from './fuzz.ts';
import { soak } from './soak.ts';

// The short form of the reliability suite (the long one: npm run fuzz, npm run soak). Each part
// runs against a local cloud in a process of its own, so a crash is seen as one and a SIGKILL is
// real. The seeds are fixed (reproducible); RELIABILITY_SEED tries another.
const SEED = Number(process.env.RELIABILITY_SEED ?? 20_260_101);
const MiB = 1_048_576;

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'workshop-reliability-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

async function withCloud<T>(name: string, run: (cloud: ChildCloud) => Promise<T>): Promise<T> {
  const cloud = new ChildCloud(join(dataDir, name));
  await cloud.start();
  try {
    return await run(cloud);
  } finally {
    await cloud.stop();
  }
}

describe('the local cloud under malformed input, crashes and load', () => {
  test('a seeded fuzz corpus over every protocol: every answer AWS-shaped, no 5xx but "not emulated", the process alive, memory bounded', async () => {
    const figures = await withCloud('fuzz', (cloud) => fuzz(cloud, { seed: SEED, count: 3_000 }));
    assert.deepEqual(figures.crashes, [], `the cloud died (replay with RELIABILITY_SEED=${SEED})`);
    assert.deepEqual(figures.notAwsShaped, [], 'answers an AWS SDK could not read');
    assert.equal(figures.serverErrors, 0, `5xx answers: ${JSON.stringify(figures.serverErrorSamples)}`);
    assert.ok(figures.tried >= 3_000);
    const growth = figures.rssAfterBytes - figures.rssBeforeBytes;
    assert.ok(growth < 256 * MiB, `the cloud grew by ${Math.round(growth / MiB)} MiB over ${figures.tried} requests`);
  });

  test('SIGKILL at random moments of a mixed workload: every acknowledged write is there after each restart', async () => {
    const figures = await withCloud('crash', (cloud) => crashAndRestart(cloud, { seed: SEED, kills: 3 }));
    assert.equal(figures.kills, 3);
    assert.ok(figures.acknowledged >= 30, `only ${figures.acknowledged} writes were acknowledged: the workload did not run`);
    assert.deepEqual(figures.lost, [], `acknowledged writes lost (of ${figures.acknowledged})`);
  });

  test('a soak of fan-out, an event source mapping, a saga and plain queues: every message arrives once, Lambda environments stay capped', async () => {
    const figures = await withCloud('soak', (cloud) => soak(cloud, { orders: 200 }));
    for (const [path, counted] of Object.entries(figures.paths)) {
      assert.equal(counted.sent, 200, path);
      assert.deepEqual([counted.lost, counted.duplicated], [0, 0], `${path}: lost or duplicated (${JSON.stringify(counted.lostSamples)})`);
    }
    assert.deepEqual(figures.wrongOutcomes, [], 'sagas that charged a declined order, or refunded a good one');
    const environments = figures.memoryPeak.children.filter((c) => c.what.startsWith('lambda '));
    assert.ok(environments.length <= DEFAULT_MAX_ENVIRONMENTS, `${environments.length} Lambda environments at once`);
  });
});
