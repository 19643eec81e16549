import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CloudMemory } from '../../memory.ts';

const ENTRY = fileURLToPath(new URL('./cloud-process.ts', import.meta.url));

/** A local cloud in a child process: killed for real (SIGKILL), started again on the same data. */
export class ChildCloud {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  endpoint = '';
  /** What the child wrote to stderr (its last 20,000 characters), to show when it dies. */
  stderr = '';

  constructor(
    readonly dataDir: string,
    private readonly options: { persist?: boolean } = {},
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The port it serves on: a free one the first time, the same one after a restart (queue URLs name it). */
  port = 0;

  /** Starts the cloud and resolves once it serves. */
  async start(): Promise<string> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        ENTRY,
        '--data-dir',
        this.dataDir,
        '--persist',
        String(this.options.persist ?? true),
        '--port',
        String(this.port),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-20_000);
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const end = out.indexOf('\n');
        if (end >= 0) resolve(out.slice(0, end));
      });
      child.once('exit', (code) => reject(new Error(`the cloud exited (${code}) before it served:\n${this.stderr}`)));
    });
    this.endpoint = (JSON.parse(line) as { endpoint: string }).endpoint;
    this.port = Number(new URL(this.endpoint).port);
    return this.endpoint;
  }

  /** Whether the process is still running. */
  alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the process at once, as a crash would (nothing is flushed). */
  async kill(): Promise<void> {
    if (!this.alive()) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the cloud cleanly. */
  async stop(): Promise<void> {
    if (!this.alive()) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** The cloud's memory, Lambda environments included (from its health endpoint). */
  async memory(): Promise<CloudMemory> {
    const health = (await (await fetch(`${this.endpoint}/_workshop/health`)).json()) as { memory: CloudMemory };
    return health.memory;
  }
}
