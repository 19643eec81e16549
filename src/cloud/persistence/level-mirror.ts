import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

/** The parts of a levelup database (v4) the mirror needs. */
export interface LevelDatabase {
  batch(operations: { type: 'put'; key: Buffer; value: Buffer }[]): Promise<void>;
}

/** The abstract-leveldown store under it, whose writes all pass through these three methods. */
export interface LevelDown {
  _put(key: unknown, value: unknown, ...rest: unknown[]): void;
  _del(key: unknown, ...rest: unknown[]): void;
  _batch(operations: { type: 'put' | 'del'; key: unknown; value?: unknown }[], ...rest: unknown[]): void;
}

const bytes = (value: unknown) => (Buffer.isBuffer(value) ? value : Buffer.from(String(value)));

/**
 * Keeps an in-memory LevelDB-like database in SQLite, write-through: each put, delete and batch is
 * written to the SQLite file before the in-memory store applies it, so whatever the emulator has
 * acknowledged survives a crash (the write-ahead log is written before the call returns; see
 * DurableStore). Loaded into the store before the emulator serves. For emulators whose own
 * on-disk mode would need a native module (kinesalite's leveldown).
 */
export class LevelMirror {
  private readonly db: DatabaseSync;
  private readonly put;
  private readonly remove;

  constructor(readonly path: string) {
    try {
      this.db = new DatabaseSync(path);
      this.db.exec('PRAGMA journal_mode = WAL');
      this.db.exec('PRAGMA synchronous = NORMAL');
      this.db.exec('CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
    } catch (error) {
      throw new Error(
        `The local cloud's saved Kinesis data at ${path} cannot be read (${(error as Error).message}). Move it away to start without it.`,
      );
    }
    this.put = this.db.prepare('INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)');
    this.remove = this.db.prepare('DELETE FROM entries WHERE key = ?');
  }

  /**
   * Puts the saved entries into the (empty) database. A snapshot file of earlier versions
   * (`legacyJson`: every entry, base64) is taken over once, then removed.
   */
  async load(db: LevelDatabase, legacyJson?: string): Promise<void> {
    if (legacyJson && existsSync(legacyJson)) this.takeOver(legacyJson);
    const rows = this.db.prepare('SELECT key, value FROM entries').all() as { key: Uint8Array; value: Uint8Array }[];
    if (rows.length > 0) await db.batch(rows.map((row) => ({ type: 'put', key: Buffer.from(row.key), value: Buffer.from(row.value) })));
  }

  /** From now on, every write to `down` is written to SQLite first. */
  watch(down: LevelDown): void {
    const { _put: put, _del: del, _batch: batch } = down;
    down._put = (key, value, ...rest) => {
      this.put.run(bytes(key), bytes(value));
      put.call(down, key, value, ...rest);
    };
    down._del = (key, ...rest) => {
      this.remove.run(bytes(key));
      del.call(down, key, ...rest);
    };
    down._batch = (operations, ...rest) => {
      this.db.exec('BEGIN');
      try {
        for (const op of operations) {
          if (op.type === 'put') this.put.run(bytes(op.key), bytes(op.value));
          else this.remove.run(bytes(op.key));
        }
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      }
      batch.call(down, operations, ...rest);
    };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private takeOver(path: string): void {
    let saved: { version: number; entries: [string, string][] };
    try {
      saved = JSON.parse(readFileSync(path, 'utf8'));
      if (saved.version !== 1 || !Array.isArray(saved.entries)) throw new Error('unknown format');
    } catch (error) {
      throw new Error(
        `The local cloud's saved Kinesis data at ${path} cannot be read (${(error as Error).message}). Move it away to start without it.`,
      );
    }
    this.db.exec('BEGIN');
    for (const [key, value] of saved.entries) this.put.run(Buffer.from(key, 'base64'), Buffer.from(value, 'base64'));
    this.db.exec('COMMIT');
    rmSync(path, { force: true });
  }
}
