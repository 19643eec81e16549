import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fingerprint of the content of every file under `root` (folders starting with a dot,
 * node_modules and the files `skip` names by their path under `root` aside). Any edit, addition
 * or removal of a file changes it. Content rather than modification times: two saves within a
 * file system's timestamp granularity must not look alike. The labs folder holds about a hundred
 * small files: a few milliseconds.
 */
export function folderFingerprint(root: string, skip: (path: string) => boolean = () => false): string {
  const hash = createHash('sha256');
  const visit = (folder: string) => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(folder, entry.name);
      const inRoot = path.slice(root.length + 1);
      if (skip(inRoot)) continue;
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile()) hash.update(`${inRoot}\0`).update(readFileSync(path)).update('\0');
    }
  };
  visit(root);
  return hash.digest('hex');
}

/**
 * Keeps what importing a lab's TypeScript gave (its definition, its stack class) while no file of
 * the labs folder has changed. Each import evaluates the files afresh in a new module namespace,
 * which costs 100–400 ms a time (and the namespaces are never freed): a warm redeploy or a verify
 * would spend most of its budget on it. Files import each other across the folder (the kit, a
 * sample of another lab), so any change anywhere under it is a change for every entry; the next
 * use after an edit imports again and sees it.
 */
export class LabModuleCache<T> {
  private readonly entries = new Map<string, { fingerprint: string; value: Promise<T> }>();

  /** `load()`'s result for `key`, from the cache when nothing under the folder changed since. */
  get(key: string, fingerprint: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry?.fingerprint === fingerprint) return entry.value;
    const value = load();
    this.entries.set(key, { fingerprint, value });
    // A failed import (a syntax error being typed) is not kept: the next deploy tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
