import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DurableStore } from './durable-store.ts';

const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

test("a commit leaves the log's checkpoint to a worker thread, which folds it into the database soon after", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'workshop-store-'));
  const path = join(dir, 'state.db');
  try {
    const store = new DurableStore(path);
    const before = size(path);
    // About 6 MB in one commit: past SQLite's 1,000-page autocheckpoint, which would copy it into
    // the database (and fsync) within the commit.
    const put = Array.from({ length: 1_500 }, (_, i) => [`key-${i}`, 'x'.repeat(4_000)] as [string, string]);
    store.write({ records: [{ service: 'test', put, removed: [] }], ledgers: [] });
    assert.ok(size(`${path}-wal`) > 5_000_000, 'the commit is in the log');
    assert.ok(size(path) - before < 1_000_000, 'and was not copied into the database on the committing thread');
    for (let i = 0; i < 100 && size(path) - before < 5_000_000; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(size(path) - before >= 5_000_000, 'the worker checkpointed the log into the database');
    await store.close();

    const reopened = new DurableStore(path);
    assert.equal(reopened.records().get('test')?.size, 1_500);
    await reopened.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
