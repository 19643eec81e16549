import { type ChildProcess, fork } from 'node:child_process';
import type { DynaliteOptions } from './dynalite.ts';
import type { KinesaliteOptions } from './kinesalite.ts';

/** The emulators that run in a process of their own, and what each is started with. */
export type ChildEmulator = { kind: 'dynalite'; options: DynaliteOptions } | { kind: 'kinesalite'; options: KinesaliteOptions };

export interface EmulatorProcessOptions {
  /** What the emulator serves, for messages (`DynamoDB`). */
  service: string;
  /** Called after the emulator failed and was started again. */
  restarted(reason: string): void;
  /** Heap of the process (MiB): a request that needs more ends the emulator's process, not the cloud's. */
  maxHeapMb: number;
}

const ENTRY = new URL('./emulator-entry.mjs', import.meta.url);
/** More failures than this within RESTART_WINDOW_MS and the emulator stays down (its requests answer ServiceUnavailable). */
const MAX_RESTARTS = 10;
const RESTART_WINDOW_MS = 60_000;

/**
 * A reused emulator in a process of its own, listening on a loopback port the gateway forwards
 * to. dynalite and kinesalite were written for well-formed requests: one that throws where nothing
 * catches it, overflows the stack, exhausts the heap or never ends (dynalite's expression parser
 * is exponential in nested parentheses) ends or stalls that process, never the cloud's. The
 * process is then started again on the same port, with the data it had written (dynalite's
 * LevelDB, kinesalite's kinesis.db), while every other service keeps serving; requests in flight
 * are answered ServiceUnavailable by the gateway. It exits by itself if the cloud's process dies.
 */
export class EmulatorProcess {
  private child?: ChildProcess;
  private port = 0;
  private stopping = false;
  private failures: number[] = [];
  private stalled?: string;

  private constructor(
    private readonly emulator: ChildEmulator,
    private readonly options: EmulatorProcessOptions,
  ) {}

  /** Starts the emulator; resolves once it listens. */
  static async start(emulator: ChildEmulator, options: EmulatorProcessOptions): Promise<EmulatorProcess> {
    const host = new EmulatorProcess(emulator, options);
    await host.spawn();
    return host;
  }

  get url(): URL {
    return new URL(`http://127.0.0.1:${this.port}`);
  }

  /** The process id, while it runs (its memory counts as the cloud's). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** The emulator did not answer a request in time: it is ended and started again. */
  stall(reason: string): void {
    if (!this.child || this.child.exitCode !== null) return;
    this.stalled = reason;
    this.child.kill('SIGKILL');
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = fork(ENTRY, [JSON.stringify({ emulator: this.emulator, port: this.port })], {
        execArgv: [
          ...process.execArgv.filter((arg) => !arg.startsWith('--max-old-space-size')),
          `--max-old-space-size=${this.options.maxHeapMb}`,
        ],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      this.child = child;
      let listening = false;
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4_000);
      });
      child.on('message', (message: { type: string; port?: number; error?: string }) => {
        if (message.type === 'listening') {
          listening = true;
          this.port = message.port!;
          resolve();
        } else if (message.type === 'failed') reject(new Error(message.error));
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (!listening) {
          reject(
            new Error(
              `the ${this.options.service} emulator exited (${code ?? signal}) while starting: ${stderr.trim().split('\n').pop() ?? ''}`,
            ),
          );
          return;
        }
        if (this.stopping) return;
        const lastLine =
          stderr
            .trim()
            .split('\n')
            .findLast((line) => /Error|error|heap/.test(line)) ?? `it exited with ${code ?? signal}`;
        this.recover(this.stalled ?? lastLine.slice(0, 300));
        this.stalled = undefined;
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
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
