import { join } from 'node:path';
import type { FauxqsServer } from 'fauxqs';
import { WalCheckpointer } from '../persistence/wal-checkpointer.ts';
import { EmulatorProcess } from './emulator-process.ts';
import { createFauxqs, type FauxqsSqsRouter } from './fauxqs.ts';

/** The reused emulators, each on an internal loopback port behind the gateway. */
export interface Emulators {
  /** SQS and S3. */
  fauxqs: FauxqsServer;
  /** fauxqs's SQS dispatcher, for the JSON requests the gateway hands over directly. */
  fauxqsSqs: FauxqsSqsRouter;
  fauxqsUrl: URL;
  /** DynamoDB (dynalite) and Kinesis (kinesalite), each in a process of its own. */
  dynalite: EmulatorProcess;
  kinesalite: EmulatorProcess;
  dynaliteUrl: URL;
  kinesisUrl: URL;
  stop(): Promise<void>;
}

/**
 * Heap of each emulator's process: DynamoDB's largest request (16 MiB, BatchWriteItem) and
 * Kinesis's (5 MiB) leave plenty of room; a request that needs more ends that process, not the cloud.
 */
const EMULATOR_HEAP_MB = 512;

export interface EmulatorOptions {
  region: string;
  dataDir: string;
  /** Keep their data in `dataDir` across restarts. */
  persist: boolean;
  /** Told when dynalite or kinesalite failed and was started again (which one, and why). */
  restarted(service: string, reason: string): void;
}

/**
 * Starts fauxqs (in this process: the SQS send path is benchmarked), and dynalite and kinesalite
 * each in a process of its own that is started again should it fail (see EmulatorProcess). If one
 * fails to start (a damaged data file, say), the ones already running are stopped before the
 * error goes on: a failed start leaves nothing behind.
 */
export async function startEmulators({ region, dataDir, persist, restarted }: EmulatorOptions): Promise<Emulators> {
  const started: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const close of started.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    // The message spy feeds CloudWatch's SQS counters; it keeps no buffer, nothing reads it back.
    const { server: fauxqs, sqs: fauxqsSqs } = await createFauxqs({
      port: 0,
      logger: false,
      host: 'localhost',
      defaultRegion: region,
      dataDir: persist ? join(dataDir, 'fauxqs') : undefined,
      messageSpies: { bufferSize: 0 },
    });
    // fauxqs's SQLite database checkpoints its log in the middle of a write, on this event loop:
    // a worker thread folds it first (see WalCheckpointer).
    const checkpointer = persist ? new WalCheckpointer(join(dataDir, 'fauxqs', 'fauxqs.db')) : undefined;
    started.push(async () => {
      await checkpointer?.close();
      await fauxqs.stop();
    });
    // Both start at once: each is a process of its own.
    const children = await Promise.allSettled([
      EmulatorProcess.start(
        {
          kind: 'dynalite',
          options: { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: persist ? join(dataDir, 'dynamodb') : undefined },
        },
        { service: 'DynamoDB', restarted: (reason) => restarted('DynamoDB', reason), maxHeapMb: EMULATOR_HEAP_MB },
      ),
      EmulatorProcess.start(
        {
          kind: 'kinesalite',
          options: {
            createStreamMs: 0,
            deleteStreamMs: 0,
            updateStreamMs: 0,
            shardLimit: 100,
            databasePath: persist ? join(dataDir, 'kinesis.db') : undefined,
            legacySnapshotPath: persist ? join(dataDir, 'kinesis.json') : undefined,
          },
        },
        { service: 'Kinesis', restarted: (reason) => restarted('Kinesis', reason), maxHeapMb: EMULATOR_HEAP_MB },
      ),
    ]);
    for (const child of children) if (child.status === 'fulfilled') started.push(() => child.value.stop());
    for (const child of children) if (child.status === 'rejected') throw child.reason;
    const [dynalite, kinesis] = children.map((child) => (child as PromiseFulfilledResult<EmulatorProcess>).value);
    return {
      fauxqs,
      fauxqsSqs,
      fauxqsUrl: new URL(`http://127.0.0.1:${fauxqs.port}`),
      dynalite,
      kinesalite: kinesis,
      dynaliteUrl: dynalite.url,
      kinesisUrl: kinesis.url,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
