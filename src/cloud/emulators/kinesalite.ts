import type http from 'node:http';
import { createRequire } from 'node:module';

/** kinesalite's options (it ships no types): stream state changes take no time locally. */
export interface KinesaliteOptions {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
  shardLimit?: number;
}

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite') as (options: KinesaliteOptions) => http.Server;

/**
 * An HTTP/1.1 server speaking the Kinesis API, backed by kinesalite (in memory; kept behind this
 * one function). The gateway in front of it accepts the SDK's HTTP/2.
 */
export function createKinesalite(options: KinesaliteOptions): http.Server {
  return kinesalite(options);
}
