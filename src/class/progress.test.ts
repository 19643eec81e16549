import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldResult } from './progress.ts';

const pass = (at: number) => ({ ok: true, at, durationMs: 5 });
const fail = (at: number) => ({ ok: false, at, durationMs: 7 });

test('a checkpoint failing again keeps the time it started failing; a pass clears it', () => {
  let state = foldResult(undefined, fail(100));
  assert.deepEqual(state, { ok: false, at: 100, durationMs: 7, attempts: 1, failingSince: 100, firstPassedAt: null });
  state = foldResult(state, fail(200));
  assert.equal(state.failingSince, 100);
  assert.equal(state.attempts, 2);
  state = foldResult(state, pass(300));
  assert.deepEqual(state, { ok: true, at: 300, durationMs: 5, attempts: 3, failingSince: null, firstPassedAt: 300 });
  state = foldResult(state, fail(400));
  assert.equal(state.failingSince, 400, 'a new failing streak starts after a pass');
  assert.equal(state.firstPassedAt, 300, 'the first pass is remembered');
});

test('a late report (queued offline) counts as an attempt but does not replace a newer result', () => {
  const newer = foldResult(undefined, fail(500));
  const state = foldResult(newer, pass(200));
  assert.equal(state.ok, false);
  assert.equal(state.at, 500);
  assert.equal(state.attempts, 2);
  assert.equal(state.firstPassedAt, 200, 'it passed once, earlier');
});
