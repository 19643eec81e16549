import type http from 'node:http';
import { createRequire } from 'node:module';

/** dynalite's options (it ships no types): table state changes take no time locally. */
export interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  /** Folder for LevelDB files; in memory when absent. */
  path?: string;
}

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => http.Server;

/** An HTTP server speaking the DynamoDB API, backed by dynalite (kept behind this one function). */
export function createDynalite(options: DynaliteOptions): http.Server {
  return dynalite(options);
}
