import type http from 'node:http';
import { createRequire } from 'node:module';
import { type LevelDatabase, type LevelDown, LevelMirror } from '../persistence/level-mirror.ts';
import { installKinesisTagging } from '../services/kinesis/tags.ts';

/** kinesalite's options (it ships no types): stream state changes take no time locally. */
export interface KinesaliteOptions {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
  shardLimit?: number;
  /** SQLite file keeping every stream, shard and record across restarts; in memory only when absent. */
  databasePath?: string;
  /** The snapshot file of earlier versions, taken over once if present. */
  legacySnapshotPath?: string;
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
 * build; so its in-memory store is mirrored into `databasePath` instead (see LevelMirror): loaded
 * before the server is returned, every write saved before kinesalite applies it.
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
  if (!options.databasePath || !store) return server;

  const mirror = new LevelMirror(options.databasePath);
  await mirror.load(store.db, options.legacySnapshotPath);
  mirror.watch(innermost(store.db));
  server.once('close', () => mirror.close());
  return server;
}

/** The store under levelup and its deferred-open wrapper (levelup.db → deferred._db → memdown). */
function innermost(db: { db?: unknown; _db?: unknown }): LevelDown {
  let down: { db?: unknown; _db?: unknown } = db;
  while (down.db ?? down._db) down = (down.db ?? down._db) as typeof down;
  return down as unknown as LevelDown;
}
