import { DatabaseSync } from 'node:sqlite';
import type { LedgerChange } from './ledger.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';

/** What one commit writes: each service's changed records, and each ledger's changes. */
export interface Commit {
  records: { service: string; put: [string, string][]; removed: string[] }[];
  ledgers: { name: string; changes: LedgerChange<string>[] }[];
}

/**
 * The cloud's own state in one SQLite database (`state.db`): the services' snapshots record by
 * record, and their ledgers. A commit is one transaction, written to the write-ahead log before
 * it returns; the log is folded into the database on a worker thread (see WalCheckpointer), so
 * nothing has to rewrite the whole state and no commit waits for a checkpoint's fsync.
 * `synchronous=NORMAL` in WAL mode: a commit survives the cloud's process being killed the moment
 * after (the log is written, only its flush to the disk is left to the operating system); a
 * power cut may lose the last commits, never corrupt the database.
 */
export class DurableStore {
  private readonly db: DatabaseSync;
  private readonly statements;
  private readonly checkpointer: WalCheckpointer;

  constructor(readonly path: string) {
    try {
      this.db = new DatabaseSync(path);
      this.db.exec('PRAGMA journal_mode = WAL');
      this.db.exec('PRAGMA synchronous = NORMAL');
      // The checkpointer's connection may hold a lock for a moment: a commit waits rather than fails.
      this.db.exec('PRAGMA busy_timeout = 2000');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS records (service TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (service, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ledgers (name TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (name, id)) WITHOUT ROWID;
      `);
    } catch (error) {
      throw new Error(
        `The local cloud's saved state at ${path} cannot be read (${(error as Error).message}). Move it away to start without it, or run "npx workshop reset" after starting.`,
      );
    }
    this.statements = {
      records: this.db.prepare('SELECT service, key, value FROM records'),
      putRecord: this.db.prepare('INSERT OR REPLACE INTO records (service, key, value) VALUES (?, ?, ?)'),
      removeRecord: this.db.prepare('DELETE FROM records WHERE service = ? AND key = ?'),
      ledger: this.db.prepare('SELECT id, value FROM ledgers WHERE name = ? ORDER BY id'),
      putLedger: this.db.prepare('INSERT OR REPLACE INTO ledgers (name, id, value) VALUES (?, ?, ?)'),
      removeLedger: this.db.prepare('DELETE FROM ledgers WHERE name = ? AND id = ?'),
      removeLedgerRange: this.db.prepare('DELETE FROM ledgers WHERE name = ? AND id >= ? AND id < ?'),
      clearLedger: this.db.prepare('DELETE FROM ledgers WHERE name = ?'),
    };
    this.checkpointer = new WalCheckpointer(path, this.db);
  }

  /** Whether anything was ever committed (a first start, or one after the state file format). */
  get empty(): boolean {
    return !this.db.prepare('SELECT 1 FROM records LIMIT 1').get();
  }

  /** Every service's records. */
  records(): Map<string, Map<string, string>> {
    const services = new Map<string, Map<string, string>>();
    for (const row of this.statements.records.iterate() as Iterable<{ service: string; key: string; value: string }>) {
      const records = services.get(row.service) ?? new Map<string, string>();
      services.set(row.service, records);
      records.set(row.key, row.value);
    }
    return services;
  }

  /** One ledger's records, in the order of their ids. */
  ledger(name: string): [string, string][] {
    return (this.statements.ledger.all(name) as { id: string; value: string }[]).map((row) => [row.id, row.value]);
  }

  /** Writes one commit as one transaction. */
  write(commit: Commit): void {
    const s = this.statements;
    this.db.exec('BEGIN');
    try {
      for (const { service, put, removed } of commit.records) {
        for (const [key, value] of put) s.putRecord.run(service, key, value);
        for (const key of removed) s.removeRecord.run(service, key);
      }
      for (const { name, changes } of commit.ledgers) {
        for (const change of changes) {
          if (change.op === 'put') s.putLedger.run(name, change.id, change.value);
          else if (change.op === 'delete') s.removeLedger.run(name, change.id);
          else if (change.op === 'delete-prefix') s.removeLedgerRange.run(name, change.prefix, `${change.prefix}\uffff`);
          else s.clearLedger.run(name);
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    this.checkpointer.written();
  }

  /** Closes the database, the checkpointer's connection first: the last to close folds the log in. */
  async close(): Promise<void> {
    await this.checkpointer.close();
    if (this.db.isOpen) this.db.close();
  }
}
