import { existsSync, renameSync, rmSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { serveFetch } from '../api/node-server.ts';
import { type LabCatalogue, workshopCatalogue } from './catalogue.ts';
import { type ClassServer, createClassServer } from './server.ts';
import { ClassStore } from './store.ts';

export interface StartClassOptions {
  /** Folder of the class database (`.workshop/class-server`). */
  dir: string;
  /** Network interface to listen on: loopback by default; 0.0.0.0 for every interface. */
  host?: string;
  /** Port (0: any free one). */
  port?: number;
  /** The class's name, when a new class is created. */
  name?: string;
  /** The labs; the workshop's own unless a test gives others. */
  catalogue?: LabCatalogue;
  maxLearners?: number;
  now?: () => number;
}

export interface RunningClass {
  server: ClassServer;
  store: ClassStore;
  host: string;
  port: number;
  /** The address the instructor's own browser reaches the server at. */
  localUrl: string;
  /** Addresses learners can join at (one per network interface when listening on all of them). */
  joinUrls: string[];
  /** Whether the class existed before (a restart) rather than being created now. */
  resumed: boolean;
  close(): Promise<void>;
}

export const classDatabase = (dir: string) => join(dir, 'class.db');

/** Starts the class server on its database: the same class, code and token after a restart. */
export async function startClassServer(options: StartClassOptions): Promise<RunningClass> {
  const file = classDatabase(options.dir);
  const resumed = existsSync(file);
  const catalogue = options.catalogue ?? (await workshopCatalogue());
  const store = ClassStore.open(file, { name: options.name });
  const server = createClassServer({ store, catalogue, maxLearners: options.maxLearners, now: options.now });
  const host = options.host ?? '127.0.0.1';
  let bound: Awaited<ReturnType<typeof serveFetch>>;
  try {
    bound = await serveFetch(server.fetch, {
      port: options.port ?? 3030,
      host,
      what: 'class server',
      portHint: 'WORKSHOP_CLASS_PORT=<port> (or --port)',
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const urlOf = (address: string) => `http://${address.includes(':') ? `[${address}]` : address}:${bound.port}`;
  const everywhere = host === '0.0.0.0' || host === '::';
  return {
    server,
    store,
    host,
    port: bound.port,
    localUrl: urlOf(everywhere ? '127.0.0.1' : host),
    joinUrls: everywhere ? externalAddresses().map(urlOf) : [urlOf(host)],
    resumed,
    async close() {
      server.close();
      await bound.close();
      store.close();
    },
  };
}

/** The machine's IPv4 addresses other than loopback: where people in the room can reach it. */
export function externalAddresses(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  return addresses.length > 0 ? addresses : ['127.0.0.1'];
}

/** Puts the current class aside (`class-<date>.db`) so that the next start creates a new one. */
export function archiveClass(dir: string): string | undefined {
  const file = classDatabase(dir);
  if (!existsSync(file)) return undefined;
  // Opening and closing folds the write-ahead log into the file, so one file holds the class.
  const store = ClassStore.open(file);
  const stamp = new Date(store.info.createdAt).toISOString().replace(/[:.]/g, '-');
  store.close();
  const archived = join(dir, `class-${stamp}.db`);
  renameSync(file, archived);
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  return archived;
}
