/**
 * What a service owes, record by record: SNS's deliveries, Lambda's asynchronous invocations,
 * log lines. A service puts a record when it accepts the work and deletes it when the work is
 * done; the changes are written with the cloud's next commit, which comes before the answer to the
 * request that made them (and shortly after any made in the background). After a crash, `saved`
 * gives back what was still owed: at least once, never lost.
 */
export interface Ledger<T> {
  put(id: string, value: T): void;
  delete(id: string): void;
  /** Deletes every record whose id starts with `prefix` (a log group's lines). */
  deletePrefix(prefix: string): void;
  /** Forgets every record (reset). */
  clear(): void;
  /** The records kept before this start, in the order of their ids. */
  saved(): [string, T][];
}

/** One change to a ledger, in the order it was made. */
export type LedgerChange<T> =
  | { op: 'put'; id: string; value: T }
  | { op: 'delete'; id: string }
  | { op: 'delete-prefix'; prefix: string }
  | { op: 'clear' };

/** A ledger whose changes wait in memory for the next commit (see `SavedServices`). */
export class PendingLedger<T> implements Ledger<T> {
  private changes: LedgerChange<T>[] = [];

  constructor(
    readonly name: string,
    private readonly kept: [string, T][],
    /** Called on every change: a commit is due soon. */
    private readonly changed: () => void,
  ) {}

  put(id: string, value: T): void {
    this.push({ op: 'put', id, value });
  }

  delete(id: string): void {
    this.push({ op: 'delete', id });
  }

  deletePrefix(prefix: string): void {
    this.push({ op: 'delete-prefix', prefix });
  }

  clear(): void {
    this.changes = [];
    this.push({ op: 'clear' });
  }

  saved(): [string, T][] {
    return this.kept;
  }

  /** The changes since the last call, for a commit. */
  take(): LedgerChange<T>[] {
    const taken = this.changes;
    this.changes = [];
    return taken;
  }

  get pending(): boolean {
    return this.changes.length > 0;
  }

  private push(change: LedgerChange<T>): void {
    this.changes.push(change);
    this.changed();
  }
}

/** A ledger for a cloud that keeps nothing across restarts (tests): changes go nowhere. */
export class UnsavedLedger<T> implements Ledger<T> {
  put(): void {}
  delete(): void {}
  deletePrefix(): void {}
  clear(): void {}
  saved(): [string, T][] {
    return [];
  }
}
