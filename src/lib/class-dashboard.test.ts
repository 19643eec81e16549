import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckpointState } from '../class/types.ts';
import {
  applyEvent,
  type ClassSnapshot,
  formatDuration,
  type LearnerState,
  mostCommonFailure,
  pacing,
  stuckLearners,
} from './class-dashboard.ts';
import { sseSplitter } from './class-server.ts';

const MIN = 60_000;
const NOW = 1_700_000_000_000;
const lab = {
  id: 'lab-1',
  slug: 'lab-1-fan-out',
  title: 'Fan-out',
  hasNotes: true,
  releasedAt: null,
  steps: [
    { n: 1, title: 'Topic' },
    { n: 2, title: 'Publish' },
  ],
  checkpoints: [
    { id: 'topic', step: 1, title: 'Topic exists', hint: 'Add the topic.' },
    { id: 'env', step: 2, title: 'TOPIC_ARN set', hint: 'Set TOPIC_ARN.' },
    { id: 'grant', step: 2, title: 'May publish', hint: 'Grant sns:Publish.' },
  ],
};

const pass = (at: number): CheckpointState => ({ ok: true, at, durationMs: 5, attempts: 1, failingSince: null, firstPassedAt: at });
const fail = (since: number, attempts = 3): CheckpointState => ({
  ok: false,
  at: NOW - MIN,
  durationMs: 5,
  attempts,
  failingSince: since,
  firstPassedAt: null,
});

function learner(name: string, results: Record<string, CheckpointState>, extra: Partial<LearnerState> = {}): LearnerState {
  return {
    id: name.toLowerCase(),
    name,
    prefix: name.toLowerCase(),
    target: 'local',
    joinedAt: NOW - 60 * MIN,
    leftAt: null,
    lastSeenAt: NOW,
    lastProgressAt: NOW - 2 * MIN,
    preflight: null,
    results: { 'lab-1': results },
    ...extra,
  };
}

function snapshot(learners: LearnerState[]): ClassSnapshot {
  return { class: { id: 'c', name: 'Class', createdAt: NOW - 90 * MIN }, now: NOW, labs: [lab], learners };
}

test('who is stuck: the same checkpoint failing too long, or no progress; the longest first', () => {
  const state = snapshot([
    learner('Ana', { topic: pass(NOW - 30 * MIN), env: fail(NOW - 12 * MIN), grant: fail(NOW - 25 * MIN, 7) }),
    learner('Bob', { topic: pass(NOW - 30 * MIN), env: fail(NOW - 3 * MIN) }),
    learner('Chen', { topic: pass(NOW - 40 * MIN) }, { lastProgressAt: NOW - 40 * MIN }),
    learner('Dana', { topic: pass(NOW), env: pass(NOW), grant: pass(NOW) }, { lastProgressAt: NOW - 50 * MIN }),
    learner('Eve', { env: fail(NOW - 50 * MIN) }, { leftAt: NOW - MIN }),
    learner('Fay', {}, { joinedAt: NOW - 5 * MIN, lastProgressAt: null, results: {} }),
  ]);
  const stuck = stuckLearners(state, NOW, 10 * MIN);
  assert.deepEqual(
    stuck.map((s) => [s.learner.name, s.kind, s.kind === 'failing' ? s.checkpoint.id : null, (NOW - s.since) / MIN]),
    [
      ['Chen', 'idle', null, 40],
      ['Ana', 'failing', 'grant', 25],
    ],
  );
  assert.equal(stuck[1].kind === 'failing' && stuck[1].attempts, 7);
  assert.equal(stuckLearners(state, NOW, 2 * MIN).length, 4, 'a shorter threshold finds Bob and Fay too');
});

test('the most common failing checkpoint of a lab, with who fails it', () => {
  const state = snapshot([
    learner('Ana', { topic: pass(NOW), env: fail(NOW) }),
    learner('Bob', { env: fail(NOW), grant: fail(NOW) }),
    learner('Chen', { grant: pass(NOW) }),
  ]);
  const common = mostCommonFailure(state, lab);
  assert.equal(common?.checkpoint.id, 'env');
  assert.equal(common?.checkpoint.hint, 'Set TOPIC_ARN.');
  assert.deepEqual(common?.learners, ['Ana', 'Bob']);
  assert.equal(mostCommonFailure(snapshot([learner('Dana', { topic: pass(NOW) })]), lab), undefined);
});

test('pacing: how many are through each step, of those in the class', () => {
  const state = snapshot([
    learner('Ana', { topic: pass(NOW), env: pass(NOW), grant: pass(NOW) }),
    learner('Bob', { topic: pass(NOW), env: pass(NOW), grant: fail(NOW) }),
    learner('Chen', {}),
    learner('Eve', { topic: pass(NOW) }, { leftAt: NOW }),
  ]);
  assert.deepEqual(pacing(state, lab), [
    { n: 1, title: 'Topic', through: 2, of: 3 },
    { n: 2, title: 'Publish', through: 1, of: 3 },
  ]);
});

test('the live stream folds into the snapshot', () => {
  let state = applyEvent(undefined, { type: 'snapshot', snapshot: snapshot([learner('Ana', {})]) });
  state = applyEvent(state, { type: 'learner', learner: learner('Bob', {}) });
  state = applyEvent(state, {
    type: 'results',
    learnerId: 'bob',
    lab: 'lab-1',
    results: { topic: pass(NOW) },
    lastSeenAt: NOW,
    lastProgressAt: NOW,
  });
  state = applyEvent(state, { type: 'release', lab: 'lab-1', releasedAt: NOW });
  state = applyEvent(state, { type: 'removed', learnerId: 'ana' });
  assert.deepEqual(
    state!.learners.map((l) => [l.name, l.results['lab-1'].topic?.ok ?? null]),
    [['Bob', true]],
  );
  assert.equal(state!.labs[0].releasedAt, NOW);
  assert.equal(applyEvent(undefined, { type: 'removed', learnerId: 'x' }), undefined, 'changes before a snapshot wait for it');
});

test('server-sent events are split on blank lines, across chunks; heartbeats are skipped', () => {
  const data: string[] = [];
  const splitter = sseSplitter((d) => data.push(d));
  splitter.push('event: results\ndata: {"a":');
  splitter.push('1}\n\n: still here\n\nevent: release\r\ndata: {"b":2}\r\n\r\n');
  assert.deepEqual(data, ['{"a":1}', '{"b":2}']);
});

test('durations read as a person would say them', () => {
  assert.equal(formatDuration(42_000), '42 s');
  assert.equal(formatDuration(12 * MIN), '12 min');
  assert.equal(formatDuration(65 * MIN), '1 h 5 min');
});
