import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import { type Environment, EnvironmentBudget, type EnvironmentFactory, EnvironmentPool } from './pool.ts';
import type { InvocationOutcome } from './runtime/environment.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stand-in environments: a start takes `initMs` (or fails with `initError`), an invocation takes
 * the event's `ms`. They record how many started and how many were starting at once.
 */
function fakeEnvironments({ initMs = 40, initError }: { initMs?: number; initError?: string } = {}) {
  const seen = { started: 0, startingNow: 0, mostStartingAtOnce: 0 };
  let n = 0;
  const create: EnvironmentFactory = (_spec, onExit) => {
    seen.started++;
    let dead = false;
    const environment: Environment = {
      logStreamName: `stream-${++n}`,
      lastUsed: Date.now(),
      busy: false,
      functionName: 'fn',
      get alive() {
        return !dead;
      },
      get pid() {
        return dead ? undefined : 1;
      },
      async init() {
        seen.startingNow++;
        seen.mostStartingAtOnce = Math.max(seen.mostStartingAtOnce, seen.startingNow);
        await sleep(initMs);
        seen.startingNow--;
        return initError ? { errorType: 'Runtime.ImportModuleError', errorMessage: initError } : undefined;
      },
      async invoke(_requestId: string, event: unknown): Promise<InvocationOutcome> {
        environment.busy = true;
        await sleep((event as { ms: number }).ms);
        environment.busy = false;
        environment.lastUsed = Date.now();
        return { result: 'ok' };
      },
      kill() {
        if (dead) return;
        dead = true;
        setImmediate(() => onExit(environment));
      },
    };
    return environment;
  };
  return { seen, create };
}

function poolOf(
  create: EnvironmentFactory,
  { maxConcurrency = 10, maxStarting = 2, maxEnvironments = 20, perFunction }: Partial<Record<string, number>> = {},
) {
  const lines: string[] = [];
  const budget = new EnvironmentBudget({ maxEnvironments, idleMs: 60_000, maxStarting });
  const spec = { functionName: 'fn', functionArn: 'arn:fn', codeDir: '.', handler: 'index.handler', memoryMb: 128, env: {} };
  const pool = new EnvironmentPool(
    spec,
    { maxConcurrency, maxEnvironments: perFunction ?? maxConcurrency },
    (_stream, line) => lines.push(line),
    budget,
    create,
  );
  return { pool, budget, lines };
}

describe('EnvironmentPool', () => {
  test('a burst of quick invocations on a cold function queues behind a few starts instead of starting one each', async () => {
    const { seen, create } = fakeEnvironments({ initMs: 50 });
    const { pool, budget, lines } = poolOf(create, { maxStarting: 2 });
    const reports = await Promise.all(Array.from({ length: 10 }, () => pool.invoke({ ms: 2 }, 1_000)));
    assert.ok(
      reports.every((r) => r.result === 'ok'),
      'every invocation ran',
    );
    assert.ok(seen.started <= 2, `one or two environments serve the burst (${seen.started} started for 10 quick invocations)`);
    assert.ok(seen.mostStartingAtOnce <= 2, 'no more than maxStarting start at once');
    // A start whose invocations were all taken by warm environments meanwhile waits warm; the
    // first invocation each started environment runs is its cold start, with its Init Duration.
    const cold = reports.filter((r) => r.coldStart && r.initDurationMs! >= 40);
    assert.ok(cold.length >= 1 && cold.length <= seen.started);
    assert.equal(lines.filter((l) => l.startsWith('INIT_START')).length, seen.started);
    assert.equal(lines.filter((l) => l.includes('Init Duration')).length, cold.length);
    const started = seen.started;
    await sleep(100); // every start has finished
    await Promise.all(Array.from({ length: started }, () => pool.invoke({ ms: 30 }, 1_000)));
    assert.equal(seen.started, started, 'as many at once as there are environments: no new start');
    assert.equal(
      lines.filter((l) => l.includes('Init Duration')).length,
      started,
      'an environment started and not used yet reports its start on its first invocation',
    );
    budget.shutdown();
  });

  test('invocations that stay busy each get an environment of their own, up to the concurrency', async () => {
    const { seen, create } = fakeEnvironments({ initMs: 20 });
    const { pool, budget } = poolOf(create, { maxStarting: 2 });
    const reports = await Promise.all(Array.from({ length: 6 }, () => pool.invoke({ ms: 300 }, 5_000)));
    assert.ok(reports.every((r) => r.result === 'ok'));
    assert.equal(seen.started, 6, 'six long invocations at once run side by side');
    assert.equal(pool.size, 6);
    assert.ok(seen.mostStartingAtOnce <= 2);
    budget.shutdown();
  });

  test('an invocation beyond the concurrency is throttled, as before', async () => {
    const { create } = fakeEnvironments({ initMs: 10 });
    const { pool, budget } = poolOf(create, { maxConcurrency: 2 });
    const reports = await Promise.all(Array.from({ length: 3 }, () => pool.invoke({ ms: 200 }, 5_000)));
    assert.equal(reports.filter((r) => r.throttled).length, 1);
    assert.equal(reports.filter((r) => r.result === 'ok').length, 2);
    budget.shutdown();
  });

  test('invocations beyond the environments a function may have wait for one, within its concurrency', async () => {
    const { seen, create } = fakeEnvironments({ initMs: 10 });
    const { pool, budget } = poolOf(create, { maxConcurrency: 1_000, perFunction: 2 });
    const reports = await Promise.all(Array.from({ length: 6 }, () => pool.invoke({ ms: 50 }, 5_000)));
    assert.ok(
      reports.every((r) => r.result === 'ok'),
      'none throttled',
    );
    assert.equal(seen.started, 2);
    budget.shutdown();
  });

  test('a start that fails gives its error to the invocation it was made for; each invocation gets a start of its own', async () => {
    const { seen, create } = fakeEnvironments({ initMs: 10, initError: 'Cannot find module index' });
    const { pool, budget, lines } = poolOf(create, { maxStarting: 1 });
    const reports = await Promise.all(Array.from({ length: 3 }, () => pool.invoke({ ms: 1 }, 1_000)));
    assert.ok(reports.every((r) => r.error?.errorType === 'Runtime.ImportModuleError' && r.coldStart));
    assert.equal(seen.started, 3);
    assert.equal(lines.filter((l) => l.startsWith('INIT_REPORT')).length, 3);
    assert.equal(pool.size, 0);
    budget.shutdown();
  });

  test('a start no longer needed when the budget allows it is not made', async () => {
    const slow = fakeEnvironments({ initMs: 300 });
    const quick = fakeEnvironments({ initMs: 10 });
    const budget = new EnvironmentBudget({ maxEnvironments: 20, idleMs: 60_000, maxStarting: 1 });
    const spec = { functionName: 'fn', functionArn: 'arn:fn', codeDir: '.', handler: 'index.handler', memoryMb: 128, env: {} };
    const other = new EnvironmentPool(spec, { maxConcurrency: 10, maxEnvironments: 10 }, () => undefined, budget, slow.create);
    const pool = new EnvironmentPool(spec, { maxConcurrency: 10, maxEnvironments: 10 }, () => undefined, budget, quick.create);
    await pool.invoke({ ms: 1 }, 1_000); // one warm environment
    const busy = pool.invoke({ ms: 50 }, 1_000); // keeps it busy for 50 ms
    const otherStart = other.invoke({ ms: 1 }, 1_000); // another function's start holds the only start slot for 300 ms
    const waiting = pool.invoke({ ms: 1 }, 1_000); // no idle environment: it waits, and asks for a start
    const reports = await Promise.all([busy, waiting]);
    assert.ok(
      reports.every((r) => r.result === 'ok' && !r.coldStart),
      'the warm environment served both',
    );
    await otherStart;
    assert.equal(quick.seen.started, 1, 'the start asked for was withdrawn once the warm environment took the invocation');
    budget.shutdown();
  });
});

describe('EnvironmentBudget', () => {
  test('unless told, lets one start fewer at once than the machine has cores (at least one): a core is left to the cloud', async () => {
    const budget = new EnvironmentBudget({ maxEnvironments: 50, idleMs: 60_000 });
    const expected = Math.max(1, availableParallelism() - 1);
    let granted = 0;
    for (let i = 0; i <= expected; i++) void budget.acquire().then(() => granted++);
    await sleep(20);
    assert.equal(granted, expected);
    budget.shutdown();
  });

  test('withdraws a start that is no longer wanted without holding a place', async () => {
    const budget = new EnvironmentBudget({ maxEnvironments: 1, idleMs: 60_000, maxStarting: 1 });
    assert.equal(await budget.acquire(), true);
    let wanted = true;
    const second = budget.acquire(() => wanted);
    wanted = false;
    // Any change wakes it: it sees it is no longer wanted.
    const { create } = fakeEnvironments();
    const environment = create(
      { functionName: 'fn', functionArn: 'arn', codeDir: '.', handler: 'h', memoryMb: 128, env: {} },
      () => undefined,
    );
    budget.add(environment);
    budget.initialized(environment);
    assert.equal(await second, false);
    budget.shutdown();
  });
});
