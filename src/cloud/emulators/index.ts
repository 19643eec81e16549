import type http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import type { FauxqsServer } from 'fauxqs';
import { createDynalite } from './dynalite.ts';
import { createFauxqs } from './fauxqs.ts';
import { createKinesalite } from './kinesalite.ts';

/** The reused emulators, each on an internal loopback port behind the gateway. */
export interface Emulators {
  /** SQS and S3. */
  fauxqs: FauxqsServer;
  /** fauxqs's request handler, for requests the gateway hands over directly. */
  fauxqsHandle: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  fauxqsUrl: URL;
  dynaliteUrl: URL;
  kinesisUrl: URL;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  region: string;
  dataDir: string;
  /** Keep their data in `dataDir` across restarts. */
  persist: boolean;
}

const urlOf = (server: http.Server) => new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
const listening = (server: http.Server) =>
  new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
const closed = (server: http.Server) => new Promise((resolve) => server.close(resolve));

/**
 * Starts fauxqs, dynalite and kinesalite. If one fails (a damaged data file, say), the ones
 * already running are stopped before the error goes on: a failed start leaves nothing behind.
 */
export async function startEmulators({ region, dataDir, persist }: EmulatorOptions): Promise<Emulators> {
  const started: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const close of started.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    // The message spy feeds CloudWatch's SQS counters; it keeps no buffer, nothing reads it back.
    const { server: fauxqs, handle: fauxqsHandle } = await createFauxqs({
      port: 0,
      logger: false,
      host: 'localhost',
      defaultRegion: region,
      dataDir: persist ? join(dataDir, 'fauxqs') : undefined,
      messageSpies: { bufferSize: 0 },
    });
    started.push(() => fauxqs.stop());
    const dynalite = createDynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      path: persist ? join(dataDir, 'dynamodb') : undefined,
    });
    await listening(dynalite);
    started.push(() => closed(dynalite));
    const kinesis = await createKinesalite({
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      shardLimit: 100,
      snapshotPath: persist ? join(dataDir, 'kinesis.json') : undefined,
    });
    await listening(kinesis);
    started.push(() => closed(kinesis));
    return {
      fauxqs,
      fauxqsHandle,
      fauxqsUrl: new URL(`http://127.0.0.1:${fauxqs.port}`),
      dynaliteUrl: urlOf(dynalite),
      kinesisUrl: urlOf(kinesis),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
