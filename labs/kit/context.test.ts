import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LabContext, oncePerRun, withLabContext } from './context.ts';

const run = (): LabContext => ({
  target: { kind: 'local', endpoint: 'http://localhost:4566', region: 'us-east-1', prefix: 'test' },
  labId: 'lab-7',
  stackName: 'test-lab-7',
  print: () => undefined,
  signal: new AbortController().signal,
});

test('oncePerRun asks once per run: the calls after it and those made meanwhile share its answer', async () => {
  const asked: string[] = [];
  const url = (name: string) =>
    oncePerRun(`queue ${name}`, async () => {
      asked.push(name);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return `https://queue/${name}`;
    });
  const first = run();
  await withLabContext(first, async () => {
    assert.deepEqual(await Promise.all([url('a'), url('a'), url('b')]), ['https://queue/a', 'https://queue/a', 'https://queue/b']);
    assert.equal(await url('a'), 'https://queue/a');
  });
  assert.deepEqual(asked, ['a', 'b']);
  await withLabContext(run(), () => url('a'));
  assert.deepEqual(asked, ['a', 'b', 'a'], 'the next run asks again');
});

test('oncePerRun keeps neither an answer of undefined nor a failure: the next call asks again', async () => {
  let calls = 0;
  const answers: (() => Promise<string | undefined>)[] = [
    async () => undefined,
    async () => {
      throw new Error('throttled');
    },
    async () => 'found',
  ];
  await withLabContext(run(), async () => {
    const lookup = () => oncePerRun('queue a', () => answers[calls++]());
    assert.equal(await lookup(), undefined);
    await assert.rejects(lookup(), /throttled/);
    assert.equal(await lookup(), 'found');
    assert.equal(await lookup(), 'found');
  });
  assert.equal(calls, 3);
});
