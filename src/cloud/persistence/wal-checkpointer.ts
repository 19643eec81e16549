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
 * With the owner's connection (`owner`), that connection stops checkpointing by itself
 * (`wal_autocheckpoint = 0`) and says when it wrote; should the worker fail, it checkpoints again.
 * Without it (a reused emulator's database, whose connection is not ours), the worker looks at
 * the log every interval and folds it when it changed, so that the emulator's own connection
 * seldom reaches its thousand pages.
 */
export class WalCheckpointer {
  private worker?: Worker;

  constructor(
    path: string,
    private readonly owner?: DatabaseSync,
  ) {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
        workerData: { path, intervalMs: INTERVAL_MS, watch: !owner },
      });
    } catch (error) {
      console.error(
        `The local cloud folds the write-ahead log of ${path} on its event loop: no worker thread (${(error as Error).message}).`,
      );
      return;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: { failed?: string }) => {
      if (message.failed) this.fallBack(path, new Error(message.failed));
    });
    worker.on('error', (error) => this.fallBack(path, error));
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    owner?.exec('PRAGMA wal_autocheckpoint = 0');
  }

  /** Something was committed: a checkpoint follows within INTERVAL_MS. */
  written(): void {
    this.worker?.postMessage('written');
  }

  /**
   * Stops the worker once it has closed its connection (the database is closing: the last
   * connection to close checkpoints what is left and removes the log).
   */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('close');
    await exited;
  }

  /** The worker cannot checkpoint: the owner's connection does again, as SQLite does by default. */
  private fallBack(path: string, error: Error): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    void worker.terminate();
    if (this.owner?.isOpen) this.owner.exec(`PRAGMA wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    console.error(`The local cloud folds the write-ahead log of ${path} on its event loop again: its worker failed (${error.message}).`);
  }
}
