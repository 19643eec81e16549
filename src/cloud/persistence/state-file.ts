import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from './codec.ts';
import { DebouncedFile } from './debounced-file.ts';

/** One file holding the state of the services the cloud implements itself. */
export class StateFile<T> {
  private readonly file: DebouncedFile;

  constructor(dir: string, capture: () => T, intervalMs = 500) {
    this.file = new DebouncedFile(join(dir, 'state.json'), () => encode(capture()), intervalMs);
  }

  get path(): string {
    return this.file.path;
  }

  /** The saved state, or undefined on a first start; a damaged file is reported, not trusted. */
  load(): T | undefined {
    if (!existsSync(this.path)) return undefined;
    try {
      return decode<T>(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new Error(
        `The local cloud's saved state at ${this.path} cannot be read (${(error as Error).message}). Move it away or run "npx workshop reset" after starting.`,
      );
    }
  }

  /** Notes a change; it is written within the interval. */
  touch(): void {
    this.file.touch();
  }

  /** Writes now if anything changed (atomically: a crash never leaves half a file). */
  flush(): Promise<void> {
    return this.file.flush();
  }
}
