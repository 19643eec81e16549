import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOnce } from './load-once.ts';

test('every widget asking joins one fetch, each is told when it arrives, and it is there synchronously afterwards', async () => {
  let fetches = 0;
  let arrive: (value: string) => void = () => {};
  const code = loadOnce(() => {
    fetches++;
    return new Promise<string>((resolve) => {
      arrive = resolve;
    });
  });
  const told: string[] = [];
  code.subscribe(() => told.push(`first saw ${code.loaded()}`));
  const stop = code.subscribe(() => told.push('gone'));
  code.subscribe(() => told.push(`second saw ${code.loaded()}`));
  stop();
  assert.equal(code.loaded(), undefined);
  const first = code.load();
  const second = code.load();
  assert.equal(fetches, 1, 'the second widget joins the fetch under way');
  arrive('diagram');
  assert.deepEqual(await Promise.all([first, second]), ['diagram', 'diagram']);
  assert.deepEqual(told, ['first saw diagram', 'second saw diagram'], 'every widget still listening, once');
  assert.equal(code.loaded(), 'diagram');
  assert.equal(await code.load(), 'diagram');
  assert.equal(fetches, 1, 'never fetched again once it arrived');
});

test('a failed fetch is forgotten and tells nobody: the next ask fetches again', async () => {
  const outcomes = [new Error('ChunkLoadError: Loading chunk Diagram failed.'), 'diagram'];
  let fetches = 0;
  const code = loadOnce(async () => {
    const outcome = outcomes[fetches++];
    if (outcome instanceof Error) throw outcome;
    return outcome;
  });
  let told = 0;
  code.subscribe(() => told++);
  await assert.rejects(code.load(), /Loading chunk Diagram failed/);
  assert.equal(code.loaded(), undefined);
  assert.equal(told, 0);
  assert.equal(await code.load(), 'diagram');
  assert.equal(fetches, 2);
  assert.equal(told, 1);
});
