import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('./launcher.cjs', import.meta.url));

/** How to start an environment's process (what `fork` would be given). */
export interface LaunchOptions {
  cwd: string;
  env: Record<string, string>;
  execArgv: string[];
}

/**
 * An environment's process as the cloud sees it through the launcher: its messages, its output
 * and its exit, as a forked child would give them. Its pid is known once it has started.
 */
export class LaunchedProcess extends EventEmitter {
  pid?: number;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  private exited = false;

  constructor(
    private readonly id: number,
    private readonly launcher: Launcher,
  ) {
    super();
  }

  send(message: unknown): void {
    if (!this.exited) this.launcher.request({ type: 'send', id: this.id, message });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exited) this.launcher.request({ type: 'kill', id: this.id, signal });
  }

  /** What the launcher reported about this process. */
  receive(report: { type: string; pid?: number; message?: unknown; data?: string; code?: number | null; signal?: string | null }): void {
    if (report.type === 'spawned') this.pid = report.pid;
    else if (report.type === 'message') this.emit('message', report.message);
    else if (report.type === 'output') this.stdout.emit('data', report.data);
    else if (report.type === 'exit' && !this.exited) {
      this.exited = true;
      this.emit('exit', report.code ?? null, report.signal ?? null);
    }
  }
}

/**
 * The process that starts the Lambda environments (launcher.cjs), shared by every cloud of this
 * process and started with the first environment. Its channel keeps the process alive only while
 * environments run, as their own channels did.
 */
export class Launcher {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly running = new Map<number, LaunchedProcess>();

  launch(module: string, options: LaunchOptions): LaunchedProcess {
    const id = this.nextId++;
    const launched = new LaunchedProcess(id, this);
    this.running.set(id, launched);
    launched.once('exit', () => {
      this.running.delete(id);
      if (this.running.size === 0) this.child?.channel?.unref();
    });
    this.request({ type: 'spawn', id, module, ...options });
    return launched;
  }

  request(message: Record<string, unknown>): void {
    const child = this.started();
    child.channel?.ref();
    child.send(message);
  }

  private started(): ChildProcess {
    if (this.child?.connected) return this.child;
    // None of this process's Node options (a TypeScript loader, an inspector port): it needs none.
    const child = fork(LAUNCHER, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    child.on('message', (report: { id: number; type: string }) => this.running.get(report.id)?.receive(report));
    // The launcher died (killed from outside): its environments died with it.
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      for (const launched of [...this.running.values()]) launched.receive({ type: 'exit', code, signal });
    });
    child.unref();
    this.child = child;
    return child;
  }
}

/** The launcher of this process's local clouds. */
export const launcher = new Launcher();
