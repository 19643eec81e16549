import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** How often, at most, the log is folded into the database while writes come in. */
const INTERVAL_MS = 1_000;
/** SQLite's own default: a checkpoint once the log holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1_000;

/**
 * Folds a SQLite database's write-ahead log into the database on a worker thread, instead of in
 * the middle of a commit on the event loop. A commit in WAL mode only appends to the log; every
 * thousand pages SQLite would checkpoint right there, copying the pages into the database and
 * calling fsync twice: tens to hundreds of milliseconds when the disk is busy, during which the
 * cloud answers nothing and streams nothing. A checkpoint changes where committed data is kept,
 * never whether it is kept: a commit is as durable as before the moment it returns (see
 * DurableStore), and a checkpoint cut short by a crash is completed when the database is next
 * opened.
 *
 * The owner's connection stops checkpointing by itself (`wal_autocheckpoint = 0`); should the
 * worker fail, it starts again.
 */
export class WalCheckpointer {
  private worker?: Worker;

  constructor(
    private readonly db: DatabaseSync,
    path: string,
  ) {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), { workerData: { path, intervalMs: INTERVAL_MS } });
    } catch (error) {
      console.error(`The local cloud folds its write-ahead log on its event loop: no worker thread (${(error as Error).message}).`);
      return;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: { failed?: string }) => {
      if (message.failed) this.fallBack(new Error(message.failed));
    });
    worker.on('error', (error) => this.fallBack(error));
    db.exec('PRAGMA wal_autocheckpoint = 0');
  }

  /** Something was committed: a checkpoint follows within INTERVAL_MS. */
  written(): void {
    this.worker?.postMessage('written');
  }

  /** Stops the worker (the database is closing; closing it checkpoints what is left). */
  close(): void {
    this.worker?.postMessage('close');
    this.worker = undefined;
  }

  /** The worker cannot checkpoint: the owner's connection does again, as SQLite does by default. */
  private fallBack(error: Error): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    void worker.terminate();
    if (this.db.isOpen) this.db.exec(`PRAGMA wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    console.error(`The local cloud folds its write-ahead log on its event loop again: its worker failed (${error.message}).`);
  }
}
