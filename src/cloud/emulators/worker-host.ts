import { Worker } from 'node:worker_threads';
import type { DynaliteOptions } from './dynalite.ts';
import type { KinesaliteOptions } from './kinesalite.ts';

/** The emulators that run in a worker thread, and what each is started with. */
export type WorkerEmulator = { kind: 'dynalite'; options: DynaliteOptions } | { kind: 'kinesalite'; options: KinesaliteOptions };

export interface WorkerHostOptions {
  /** What the emulator serves, for messages (`DynamoDB`). */
  service: string;
  /** Called after the emulator failed and was started again. */
  restarted(reason: string): void;
  /** Heap limit of the worker; a request that needs more fails the worker, not the cloud. */
  maxHeapMb?: number;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
/** More failures than this within RESTART_WINDOW_MS and the emulator stays down (its requests answer ServiceUnavailable). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * A reused emulator in its own worker thread, listening on a loopback port the gateway forwards to.
 * dynalite and kinesalite were written for well-formed requests: one that throws where nothing
 * catches it (a stack overflow, say) ends the worker, not the cloud. The worker is then started
 * again on the same port, with the data it had written (dynalite's LevelDB, kinesalite's
 * kinesis.db), while every other service keeps serving; requests in flight at that moment are
 * answered ServiceUnavailable by the gateway.
 */
export class EmulatorWorker {
  private worker?: Worker;
  private port = 0;
  private stopping = false;
  private failures: number[] = [];

  private constructor(
    private readonly emulator: WorkerEmulator,
    private readonly options: WorkerHostOptions,
  ) {}

  /** Starts the emulator; resolves once it listens. */
  static async start(emulator: WorkerEmulator, options: WorkerHostOptions): Promise<EmulatorWorker> {
    const host = new EmulatorWorker(emulator, options);
    await host.spawn();
    return host;
  }

  get url(): URL {
    return new URL(`http://127.0.0.1:${this.port}`);
  }

  /** The worker's thread id, while it runs. */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(ENTRY, {
        workerData: { emulator: this.emulator, port: this.port },
        resourceLimits: this.options.maxHeapMb ? { maxOldGenerationSizeMb: this.options.maxHeapMb } : undefined,
      });
      this.worker = worker;
      let listening = false;
      let failure: Error | undefined;
      worker.on('message', (message: { type: string; port?: number; error?: string }) => {
        if (message.type === 'listening') {
          listening = true;
          this.port = message.port!;
          resolve();
        } else if (message.type === 'failed') reject(new Error(message.error));
      });
      worker.on('error', (error) => {
        failure = error;
        if (!listening) reject(error);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        if (!listening) {
          reject(failure ?? new Error(`the ${this.options.service} emulator exited with ${code} while starting`));
          return;
        }
        if (!this.stopping) this.recover(failure?.message ?? `it exited with ${code}`);
      });
    });
  }

  private recover(reason: string): void {
    const now = Date.now();
    this.failures = [...this.failures.filter((at) => now - at < RESTART_WINDOW_MS), now];
    if (this.failures.length > MAX_RESTARTS) {
      console.error(
        `The local ${this.options.service} emulator failed ${this.failures.length} times within a minute (${reason}); it stays stopped until the cloud restarts.`,
      );
      return;
    }
    this.spawn().then(
      () => this.options.restarted(reason),
      (error: Error) =>
        console.error(`The local ${this.options.service} emulator failed (${reason}) and could not be started again: ${error.message}`),
    );
  }

  /** Stops the emulator, letting it save what it keeps. */
  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' });
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
