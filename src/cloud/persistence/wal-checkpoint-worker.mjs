// The worker thread of WalCheckpointer (wal-checkpointer.ts): its own connection to one SQLite
// database, folding the write-ahead log into the database at most once per interval after the
// owner says it wrote. Plain JavaScript: a worker does not inherit the tsx loader the cloud's
// process may have registered in code (bin/workshop.mjs).
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData;
const db = new DatabaseSync(path);
// The owner's connection may hold a lock for the moment of a commit: wait for it rather than fail.
db.exec('PRAGMA busy_timeout = 5000');
// PASSIVE: copies what it can without waiting for the writer or readers, and never blocks them.
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let due;

parentPort.on('message', (message) => {
  if (message === 'close') {
    clearTimeout(due);
    db.close();
    parentPort.close();
    return;
  }
  due ??= setTimeout(() => {
    due = undefined;
    try {
      checkpoint.get();
    } catch (error) {
      // Told to the owner, which then checkpoints on its own connection again.
      parentPort.postMessage({ failed: error.message });
    }
  }, intervalMs);
});
