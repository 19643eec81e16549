import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode } from './codec.ts';

/** One file holding the state of the services the cloud implements itself. */
export class StateFile<T> {
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private writing = Promise.resolve();
  readonly path: string;

  constructor(
    dir: string,
    private readonly capture: () => T,
    private readonly intervalMs = 500,
  ) {
    this.path = join(dir, 'state.json');
  }

  /** The saved state, or undefined on a first start; a damaged file is reported, not trusted. */
  load(): T | undefined {
    if (!existsSync(this.path)) return undefined;
    try {
      return decode<T>(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new Error(`The local cloud's saved state at ${this.path} cannot be read (${(error as Error).message}). Move it away or run "npx workshop reset" after starting.`);
    }
  }

  /** Notes a change; it is written within `intervalMs`. */
  touch(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes now if anything changed (atomically: a crash never leaves half a file). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const text = encode(this.capture());
    this.writing = this.writing.then(async () => {
      const partial = `${this.path}.partial`;
      await writeFile(partial, text);
      await rename(partial, this.path);
    });
    return this.writing;
  }
}
