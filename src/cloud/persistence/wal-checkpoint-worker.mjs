// The worker thread of WalCheckpointer (wal-checkpointer.ts): its own connection to one SQLite
// database, folding the write-ahead log into the database at most once per interval, after the
// owner says it wrote or, watching a database whose connection is not ours, after the log
// changed. Plain JavaScript: a worker does not inherit the tsx loader the cloud's process may
// have registered in code (bin/workshop.mjs).
import { statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs, watch } = workerData;
const db = new DatabaseSync(path);
// The owner's connection may hold a lock for the moment of a commit: wait for it rather than fail.
db.exec('PRAGMA busy_timeout = 5000');
// PASSIVE: copies what it can without waiting for the writer or readers, and never blocks them.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let due;
let watcher;
let lastChange = 0;

function fold() {
  try {
    checkpoint.get();
  } catch (error) {
    // Told to the owner, which then checkpoints on its own connection again.
    parentPort.postMessage({ failed: error.message });
  }
}

if (watch)
  watcher = setInterval(() => {
    const changed = statSync(`${path}-wal`, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (changed === lastChange) return;
    lastChange = changed;
    fold();
  }, intervalMs);

parentPort.on('message', (message) => {
  if (message === 'close') {
    clearTimeout(due);
    clearInterval(watcher);
    db.close();
    parentPort.close();
    return;
  }
  due ??= setTimeout(() => {
    due = undefined;
    fold();
  }, intervalMs);
});
