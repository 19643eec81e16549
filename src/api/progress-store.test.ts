import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProgressStore, recordingCheckpoints } from './progress-store.ts';

test('checkpoint results and the reading position survive a restart, per learner, until reset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'progress-'));
  const file = join(dir, 'progress.json');
  try {
    const store = new ProgressStore(file);
    const seen: string[] = [];
    const report = recordingCheckpoints(store, 'local/alice', 'lab-1', (e) => seen.push(e.type));
    report({ type: 'checkpoint', id: 'topic', step: 1, title: 'topic', hint: 'h', ok: true });
    report({ type: 'checkpoint', id: 'publish', step: 2, title: 'publish', hint: 'h', ok: false, detail: 'missing' });
    report({ type: 'done', ok: false, durationMs: 3 });
    assert.deepEqual(seen, ['checkpoint', 'checkpoint', 'done'], 'the events still reach the page');
    store.recordDeploy('local/alice', 'lab-1', 'the solution up to step 2', true);
    store.recordPosition('local/alice', { path: '/lab-1-fan-out', anchor: 'step-2', title: 'Step 2', at: 1 });

    const reopened = new ProgressStore(file).get('local/alice');
    assert.equal(reopened.labs['lab-1'].checkpoints.topic.ok, true);
    assert.equal(reopened.labs['lab-1'].checkpoints.publish.detail, 'missing');
    assert.equal(reopened.labs['lab-1'].lastDeploy!.what, 'the solution up to step 2');
    assert.equal(reopened.position!.anchor, 'step-2');
    assert.deepEqual(new ProgressStore(file).get('local/bob').labs, {}, 'another learner starts empty');

    const again = new ProgressStore(file);
    again.reset('local/alice', 'lab-1');
    assert.deepEqual(again.get('local/alice').labs, {});
    assert.equal(again.get('local/alice').position!.path, '/lab-1-fan-out', 'resetting a lab keeps the reading position');
    again.reset('local/alice');
    assert.equal(new ProgressStore(file).get('local/alice').position, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lab API and the CLI share the file: each sees what the other recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'progress-'));
  const file = join(dir, 'progress.json');
  try {
    const api = new ProgressStore(file);
    const cli = new ProgressStore(file);
    api.recordPosition('local/alice', { path: '/lab-1-fan-out', at: 1 });
    assert.equal(cli.get('local/alice').position!.path, '/lab-1-fan-out');
    cli.recordCheckpoint('local/alice', 'lab-1', 'topic', { step: 1, ok: true, at: 2 });
    assert.equal(api.get('local/alice').labs['lab-1'].checkpoints.topic.ok, true, 'the API reads the file the CLI replaced');
    api.recordCheckpoint('local/alice', 'lab-1', 'publish', { step: 2, ok: false, at: 3 });
    assert.deepEqual(
      Object.keys(cli.get('local/alice').labs['lab-1'].checkpoints).sort(),
      ['publish', 'topic'],
      'neither write loses the other',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
