import { rename, writeFile } from 'node:fs/promises';

/**
 * A file rewritten whole shortly after changes: `touch` notes a change, the content is produced
 * and written within `intervalMs`, or at once by `flush`. Writes go to a partial file renamed
 * into place, so a crash never leaves half a file; they never overlap.
 */
export class DebouncedFile {
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private writing = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly produce: () => string | Promise<string>,
    private readonly intervalMs = 500,
  ) {}

  /** Notes a change; it is written within `intervalMs`. */
  touch(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.intervalMs);
  }

  /** Writes now if anything changed since the last write. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.writing;
    this.dirty = false;
    // The content is taken when its turn comes: changes made meanwhile mark it dirty again.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const partial = `${this.path}.partial`;
        await writeFile(partial, await this.produce());
        await rename(partial, this.path);
      });
    return this.writing;
  }
}
