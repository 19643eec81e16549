import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** fauxqs's SQLite persistence, as far as the fix below uses it (its class is not exported). */
interface FauxqsPersistence {
  db: { prepare(sql: string): { run(...values: unknown[]): unknown } };
  updateMessageReady(messageId: string): void;
}

const FIXED = Symbol.for('workshop.fauxqs.updateMessageReady');

/**
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
  prototype[FIXED] = true;
}
