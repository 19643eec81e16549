import { existsSync, readFileSync } from 'node:fs';
import { DebouncedFile } from './debounced-file.ts';

/** The parts of a levelup database (v4) a snapshot needs. */
export interface LevelDatabase {
  createReadStream(): AsyncIterable<{ key: Buffer; value: Buffer }>;
  batch(operations: { type: 'put'; key: Buffer; value: Buffer }[]): Promise<void>;
}

/** The abstract-leveldown store under it, whose writes all pass through these three methods. */
export interface LevelDown {
  _put(...args: unknown[]): void;
  _del(...args: unknown[]): void;
  _batch(...args: unknown[]): void;
}

interface SnapshotFile {
  version: 1;
  /** Every key and value, base64: the database holds bytes, and JSON cannot. */
  entries: [string, string][];
}

/**
 * Keeps an in-memory LevelDB-like database in one file: loaded before the emulator serves,
 * rewritten (whole, atomically) shortly after writes and when it stops. For emulators whose
 * on-disk mode would need a native module.
 */
export class LevelSnapshot {
  private readonly file: DebouncedFile;

  constructor(
    private readonly db: LevelDatabase,
    readonly path: string,
    intervalMs = 500,
  ) {
    this.file = new DebouncedFile(path, () => this.serialise(), intervalMs);
  }

  /** Puts the saved entries into the (empty) database; a damaged file is reported, not trusted. */
  async load(): Promise<void> {
    if (!existsSync(this.path)) return;
    let saved: SnapshotFile;
    try {
      saved = JSON.parse(readFileSync(this.path, 'utf8')) as SnapshotFile;
      if (saved.version !== 1 || !Array.isArray(saved.entries)) throw new Error('unknown format');
    } catch (error) {
      throw new Error(
        `The local cloud's saved Kinesis data at ${this.path} cannot be read (${(error as Error).message}). Move it away to start without it.`,
      );
    }
    if (saved.entries.length > 0)
      await this.db.batch(
        saved.entries.map(([key, value]) => ({ type: 'put', key: Buffer.from(key, 'base64'), value: Buffer.from(value, 'base64') })),
      );
  }

  /** From now on, every write to `down` schedules a snapshot within `intervalMs`. */
  watch(down: LevelDown): void {
    for (const method of ['_put', '_del', '_batch'] as const) {
      const write = down[method];
      down[method] = (...args: unknown[]) => {
        this.file.touch();
        write.apply(down, args);
      };
    }
  }

  /** Writes the whole database now if anything changed since the last snapshot. */
  flush(): Promise<void> {
    return this.file.flush();
  }

  /** Every key and value, read from one consistent version of the store. */
  private async serialise(): Promise<string> {
    const entries: [string, string][] = [];
    for await (const { key, value } of this.db.createReadStream()) entries.push([key.toString('base64'), value.toString('base64')]);
    return JSON.stringify({ version: 1, entries } satisfies SnapshotFile);
  }
}
