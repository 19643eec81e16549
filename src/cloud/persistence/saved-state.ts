import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudService } from '../service.ts';
import { decode, encode } from './codec.ts';
import { DurableStore } from './durable-store.ts';
import { diff, type Entries, join as joinEntries, split } from './entries.ts';
import { type Ledger, PendingLedger, UnsavedLedger } from './ledger.ts';
import { readStateFile } from './state-file.ts';

/** The state file's layout before the database (versions 1 and 2): each service's snapshot under its name. */
interface SavedState {
  version: 2;
  services: Record<string, unknown>;
}

/** Version 1 kept the services' state under fixed keys; each is moved under its service's name. */
function fromVersion1(v1: any): SavedState {
  return {
    version: 2,
    services: {
      sns: v1.sns,
      lambda: { functions: v1.lambda, eventSourceMappings: v1.eventSourceMappings },
      logs: v1.logs,
      iam: v1.iam,
      ssm: v1.ssm,
      apigateway: { apis: v1.apigateway, account: v1.apigatewayAccount ?? {} },
      events: v1.eventBridge,
      monitoring: v1.alarms,
      states: v1.stepFunctions,
      s3: v1.s3,
      cloudformation: v1.cloudformation,
    },
  };
}

/** How soon a change made in the background (a delivery, an execution's step) is committed. */
const BACKGROUND_COMMIT_MS = 100;
/** How often every service is compared with what is saved, whatever it reported changing. */
const SWEEP_MS = 2_000;

/**
 * The state of the services the cloud implements itself, kept in `state.db` (see DurableStore):
 * what each service's `snapshot` returns, record by record, and the ledgers of what they owe.
 *
 * `commit` writes every record that changed since the last commit, in one transaction. The
 * gateway commits before it answers a request that may have changed something (so an
 * acknowledged write survives a crash); changes made in the background are committed within
 * BACKGROUND_COMMIT_MS. Each commit compares the services that reported a change (the one a
 * request went to, the ones whose activity was seen); every SWEEP_MS all are compared, so a
 * change nobody reported is still saved. One commit holds every store the cloud keeps itself, so
 * they are restored consistently with each other. The reused emulators keep their own (fauxqs
 * in SQLite, dynalite in LevelDB, kinesalite in kinesis.db) and write before they answer.
 */
export class SavedServices {
  private readonly store?: DurableStore;
  private services: CloudService[] = [];
  private readonly ledgers: PendingLedger<unknown>[] = [];
  /** What the store holds of each service. */
  private readonly written = new Map<string, Entries>();
  private readonly dirty = new Set<string>();
  private everything = false;
  private timer?: NodeJS.Timeout;
  private lastSweep = Date.now();
  private failing = false;

  constructor(
    private readonly dataDir: string,
    persist: boolean,
  ) {
    if (persist) this.store = new DurableStore(join(dataDir, 'state.db'));
  }

  /** The ledger `name`, holding what was owed when the cloud last stopped (or was killed). */
  ledger<T>(name: string): Ledger<T> {
    if (!this.store) return new UnsavedLedger<T>();
    const kept = this.store.ledger(name).map(([id, value]) => [id, decode<T>(value)] as [string, T]);
    const ledger = new PendingLedger<T>(name, kept, () => this.soon());
    this.ledgers.push(ledger as PendingLedger<unknown>);
    return ledger;
  }

  /** Gives each service back what it kept (nothing on a first start), then lets each resume what it owes. */
  restore(services: CloudService[]): void {
    this.services = services.filter((service) => service.snapshot);
    if (this.store) {
      const legacy = join(this.dataDir, 'state.json');
      if (this.store.empty && existsSync(legacy)) {
        this.restoreLegacy(legacy);
        this.commit('*');
        rmSync(legacy, { force: true });
      } else {
        const records = this.store.records();
        for (const service of this.services) {
          const kept = records.get(service.name);
          if (!kept) continue;
          this.written.set(service.name, kept);
          service.restore?.(joinEntries(kept));
        }
        // What a restore changed (executions that were running marked failed) is saved at once.
        this.commit('*');
      }
    }
    for (const service of services) service.resume?.();
  }

  /** The state file of earlier versions: read once, then kept in the database. */
  private restoreLegacy(path: string): void {
    const loaded = readStateFile<SavedState | { version: 1 }>(path);
    if (!loaded) return;
    const saved = loaded.version === 1 ? fromVersion1(loaded) : loaded;
    for (const service of this.services) {
      const state = saved.services[service.name];
      if (state !== undefined) service.restore?.(state);
    }
  }

  /** Notes that these services may have changed (`'*'`: any of them); a commit follows shortly. */
  touch(...names: string[]): void {
    if (!this.store) return;
    for (const name of names) {
      if (name === '*') this.everything = true;
      else this.dirty.add(name);
    }
    this.soon();
  }

  /**
   * Writes what changed now, in one transaction: the services noted as changed and `also`
   * (`'*'`: every service), and every ledger's changes. Throws if the write fails: the caller must
   * not report as done what is not saved.
   */
  commit(also?: string): void {
    if (!this.store) return;
    if (also === '*') this.everything = true;
    else if (also) this.dirty.add(also);
    if (Date.now() - this.lastSweep > SWEEP_MS) this.everything = true;
    const names = this.everything ? undefined : new Set(this.dirty);
    const sweep = this.everything;
    this.dirty.clear();
    this.everything = false;
    const after = new Map<string, Entries>();
    const records: { service: string; put: [string, string][]; removed: string[] }[] = [];
    try {
      for (const service of this.services) {
        if (names && !names.has(service.name)) continue;
        const entries = split(service.snapshot!());
        after.set(service.name, entries);
        const { put, removed } = diff(this.written.get(service.name) ?? new Map(), entries);
        if (put.length > 0 || removed.length > 0) records.push({ service: service.name, put, removed });
      }
      const ledgers = this.ledgers
        .filter((ledger) => ledger.pending)
        .map((ledger) => ({
          name: ledger.name,
          changes: ledger.take().map((change) => (change.op === 'put' ? { ...change, value: encode(change.value) } : change)),
        }));
      if (records.length > 0 || ledgers.length > 0) this.store.write({ records, ledgers });
    } catch (error) {
      // Nothing was written: everything is compared again on the next commit.
      this.everything = true;
      throw error;
    }
    for (const [name, entries] of after) this.written.set(name, entries);
    if (sweep) this.lastSweep = Date.now();
  }

  /** Commits everything now (the cloud is stopping). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.commit('*');
  }

  /** Stops background commits and closes the database (after `flush`). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.store?.close();
  }

  private soon(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        this.commit();
        this.failing = false;
      } catch (error) {
        // A full disk, say: said once, tried again on the next change.
        if (!this.failing) console.error(`The local cloud could not save its state to ${this.store?.path}: ${(error as Error).message}`);
        this.failing = true;
      }
    }, BACKGROUND_COMMIT_MS);
    this.timer.unref();
  }
}
