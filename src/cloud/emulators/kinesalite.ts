import type http from 'node:http';
import { createRequire } from 'node:module';
import { type LevelDatabase, type LevelDown, LevelSnapshot } from '../persistence/level-snapshot.ts';
import { installKinesisTagging } from '../services/kinesis/tags.ts';

/** kinesalite's options (it ships no types): stream state changes take no time locally. */
export interface KinesaliteOptions {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
  shardLimit?: number;
  /** File keeping every stream, shard and record across restarts; in memory only when absent. */
  snapshotPath?: string;
}

/** kinesalite's store: a levelup database over memdown, holding streams, shards and records. */
interface KinesaliteStore {
  db: LevelDatabase & { db?: unknown };
}

const require = createRequire(import.meta.url);
installKinesisTagging();
const kinesalite = require('kinesalite') as (options: KinesaliteOptions) => http.Server;
const kinesaliteDb = require('kinesalite/db') as { create(options: KinesaliteOptions): KinesaliteStore };

/**
 * An HTTP/1.1 server speaking the Kinesis API, backed by kinesalite (kept behind this one
 * function). The gateway in front of it accepts the SDK's HTTP/2.
 *
 * kinesalite keeps data on disk only through the native `leveldown`, which this project does not
 * build; so its in-memory store is snapshotted to `snapshotPath` instead: loaded before the server
 * is returned, written shortly after each change and when the server closes.
 */
export async function createKinesalite(options: KinesaliteOptions): Promise<http.Server> {
  // kinesalite creates its store inside the call and keeps it private: catch it as it is made.
  const create = kinesaliteDb.create;
  let store: KinesaliteStore | undefined;
  kinesaliteDb.create = (storeOptions) => (store = create(storeOptions));
  let server: http.Server;
  try {
    server = kinesalite(options);
  } finally {
    kinesaliteDb.create = create;
  }
  if (!options.snapshotPath || !store) return server;

  const snapshot = new LevelSnapshot(store.db, options.snapshotPath);
  await snapshot.load();
  snapshot.watch(innermost(store.db));
  const close = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    snapshot.flush().then(
      () => close(callback),
      (error: Error) => close(() => callback?.(error)),
    );
    return server;
  }) as http.Server['close'];
  return server;
}

/** The store under levelup and its deferred-open wrapper (levelup.db → deferred._db → memdown). */
function innermost(db: { db?: unknown; _db?: unknown }): LevelDown {
  let down: { db?: unknown; _db?: unknown } = db;
  while (down.db ?? down._db) down = (down.db ?? down._db) as typeof down;
  return down as unknown as LevelDown;
}
