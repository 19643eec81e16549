import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fail } from '../../labs/kit/checkpoint.ts';
import { labContext } from '../../labs/kit/context.ts';
import type { Checkpoint } from '../../labs/kit/lab.ts';
import { runCheckpoints } from './checkpoint-run.ts';

const context = {
  target: { kind: 'local' as const, endpoint: 'http://localhost:4566', region: 'us-east-1', prefix: 'test' },
  labId: 'lab-7',
  stackName: 'test-lab-7',
  print: () => undefined,
  signal: new AbortController().signal,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A checkpoint that logs when it starts and ends, taking `ms`. */
function timed(id: string, ms: number, log: string[], extra: Partial<Checkpoint> = {}): Checkpoint {
  return {
    id,
    step: 1,
    title: id,
    hint: `fix ${id}`,
    async run() {
      log.push(`start ${id}`);
      await sleep(ms);
      log.push(`end ${id}`);
      return `${id} in ${labContext().labId}`;
    },
    ...extra,
  };
}

describe('a verify run', () => {
  test('runs checkpoints one after another, in the order the lab lists them', async () => {
    const log: string[] = [];
    const reported: string[] = [];
    await runCheckpoints([timed('a', 20, log), timed('b', 1, log)], context, (c, result) => reported.push(`${c.id} ${result.detail}`));
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
    assert.deepEqual(reported, ['a a in lab-7', 'b b in lab-7']);
  });

  test('starts an early checkpoint with the run, reports it in its place, and starts the next one after it', async () => {
    const log: string[] = [];
    const reported: string[] = [];
    await runCheckpoints(
      [timed('state', 40, log), timed('probe', 60, log, { startEarly: true }), timed('after', 1, log)],
      context,
      (c, result) => reported.push(`${c.id} ${result.ok} ${result.durationMs >= 35}`),
    );
    assert.deepEqual(log.slice(0, 2).sort(), ['start probe', 'start state'], 'the probe starts while the state check runs');
    assert.ok(log.indexOf('end probe') < log.indexOf('start after'), `the next checkpoint waits for the early one: ${log.join(', ')}`);
    assert.deepEqual(reported, ['state true true', 'probe true true', 'after true false']);
  });

  test("an early checkpoint's failure is reported in its place, with what it found or what went wrong", async () => {
    const reported: [string, boolean, string | undefined][] = [];
    const failing = (id: string, error: () => never): Checkpoint => ({
      id,
      step: 2,
      title: id,
      hint: '',
      startEarly: true,
      run: async () => error(),
    });
    await runCheckpoints(
      [
        timed('first', 10, []),
        failing('missing', () => fail('There is no queue named test-Q.')),
        failing('crashed', () => {
          throw new TypeError('boom');
        }),
      ],
      context,
      (c, result) => reported.push([c.id, result.ok, result.detail]),
    );
    assert.deepEqual(reported, [
      ['first', true, 'first in lab-7'],
      ['missing', false, 'There is no queue named test-Q.'],
      ['crashed', false, 'boom'],
    ]);
  });

  test('starts an early checkpoint that names others once they are done, still beside the checks listed before it', async () => {
    const log: string[] = [];
    const reported: string[] = [];
    await runCheckpoints(
      [
        timed('state', 80, log),
        timed('failures', 20, log, { startEarly: true }),
        timed('other', 60, log, { startEarly: true }),
        timed('redrive', 10, log, { startEarly: { after: ['failures'] } }),
        timed('last', 1, log),
      ],
      context,
      (c) => reported.push(c.id),
    );
    assert.ok(log.indexOf('end failures') < log.indexOf('start redrive'), `redrive waits for failures: ${log.join(', ')}`);
    assert.ok(log.indexOf('start redrive') < log.indexOf('end other'), `but not for the others: ${log.join(', ')}`);
    assert.ok(log.indexOf('start redrive') < log.indexOf('end state'), `nor for the state check: ${log.join(', ')}`);
    assert.ok(log.indexOf('end redrive') < log.indexOf('start last'), `the next checkpoint waits for it: ${log.join(', ')}`);
    assert.deepEqual(reported, ['state', 'failures', 'other', 'redrive', 'last']);
  });

  test('refuses, before starting anything, an early checkpoint that names one not listed before it as early', async () => {
    for (const after of ['state', 'later', 'nowhere']) {
      const log: string[] = [];
      await assert.rejects(
        runCheckpoints(
          [
            timed('state', 1, log),
            timed('probe', 1, log, { startEarly: { after: [after] } }),
            timed('later', 1, log, { startEarly: true }),
          ],
          context,
          () => undefined,
        ),
        new RegExp(`checkpoint "probe" starts after "${after}", which is not an early checkpoint of step 1 listed before it`),
      );
      assert.deepEqual(log, [], `nothing ran (after ${after})`);
    }
  });
});
