import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** fauxqs's SQLite persistence, as far as the changes below use it (its class is not exported). */
interface FauxqsPersistence {
  db: { prepare(sql: string): { run(...values: unknown[]): unknown }; exec(sql: string): void };
  updateMessageReady(messageId: string): void;
  prepareStatements(): unknown;
}

const FIXED = Symbol.for('workshop.fauxqs.persistence');

/**
 * Two changes to fauxqs's persistence, made once per process.
 *
 * Its database is in WAL mode with SQLite's default `synchronous=FULL`: every message sent,
 * received or deleted waits for an fsync, on the cloud's one thread. It gets the cloud's own
 * durability instead (see DurableStore): `synchronous=NORMAL`, under which a write survives the
 * process being killed, and a power cut may lose the last writes, never corrupt the database.
 *
 * fauxqs 2.4.1 with a data folder cannot make a received message visible again: its
 * `updateMessageReady` (ChangeMessageVisibility to 0, alone or in a batch) writes NULL into the
 * receive count, a NOT NULL column, so the call fails with an internal error — and the SDK's
 * retry then answers MessageNotInflight. AWS keeps the receive count; so does this replacement,
 * which only clears the receipt handle and the visibility deadline.
 */
export async function fixFauxqsPersistence(): Promise<void> {
  const app = fileURLToPath(import.meta.resolve('fauxqs'));
  // The same module fauxqs's app.js imports, by its file (the package exports only its entry).
  const { PersistenceManager } = (await import(pathToFileURL(join(dirname(app), 'persistence.js')).href)) as {
    PersistenceManager: { prototype: FauxqsPersistence & { [FIXED]?: true } };
  };
  const prototype = PersistenceManager.prototype;
  if (prototype[FIXED]) return;
  const statements = new WeakMap<object, { run(...values: unknown[]): unknown }>();
  prototype.updateMessageReady = function (this: FauxqsPersistence, messageId: string) {
    let statement = statements.get(this);
    if (!statement) {
      statement = this.db.prepare('UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?');
      statements.set(this, statement);
    }
    statement.run(messageId);
  };
  // Called by the constructor once the database is open, before any message is written.
  const prepareStatements = prototype.prepareStatements;
  prototype.prepareStatements = function (this: FauxqsPersistence) {
    this.db.exec('PRAGMA synchronous = NORMAL');
    return prepareStatements.call(this);
  };
  prototype[FIXED] = true;
}
