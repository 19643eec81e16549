import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type LaunchedProcess, launcher } from './launcher.ts';

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.cjs', import.meta.url));

/** What an environment needs to start: the function's code, handler and environment. */
export interface EnvironmentSpec {
  functionName: string;
  functionArn: string;
  codeDir: string;
  handler: string;
  memoryMb: number;
  /** The heap the process gets (MiB): its MemorySize, within the cloud's limit per environment. */
  heapMb?: number;
  /** Complete environment of the process: nothing of the cloud's own environment leaks in. */
  env: Record<string, string>;
}

export interface InvocationOutcome {
  /** The handler's return value (JSON-serialisable) when it succeeded. */
  result?: unknown;
  /** The error as the runtime reports it when it failed. */
  error?: { errorType: string; errorMessage: string; trace?: string[] };
  /** True when the invocation ran out of time and the environment was killed. */
  timedOut?: boolean;
  /** Resident memory of the environment when the invocation ended, as the runtime measured it. */
  memoryMb?: number;
}

/**
 * One execution environment: a child process running the function's handler, warm between
 * invocations, one invocation at a time (as on AWS). Its console lines go to `onLog`.
 */
export class ExecutionEnvironment {
  readonly logStreamName: string;
  readonly startedAt = Date.now();
  lastUsed = Date.now();
  busy = false;
  private child?: LaunchedProcess;
  private pending?: { requestId: string; resolve: (outcome: InvocationOutcome) => void };
  private dead = false;
  private currentLog?: (line: string) => void;

  constructor(
    private readonly spec: EnvironmentSpec,
    private readonly onExit: (environment: ExecutionEnvironment) => void,
  ) {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    this.logStreamName = `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
  }

  /** The function it runs. */
  get functionName(): string {
    return this.spec.functionName;
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.dead ? undefined : this.child?.pid;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Starts the process and loads the handler (the init phase); resolves with the init error, if any. */
  init(onLog: (line: string) => void): Promise<InvocationOutcome['error'] | undefined> {
    this.currentLog = onLog;
    return new Promise((resolve) => {
      // Started by the launcher process, so that the fork does not hold this process's event loop.
      const child = launcher.launch(BOOTSTRAP, {
        cwd: this.spec.codeDir,
        env: { ...this.spec.env, AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName },
        execArgv: [`--max-old-space-size=${Math.max(64, this.spec.heapMb ?? this.spec.memoryMb)}`],
      });
      this.child = child;
      // Output written around console (process.stdout.write) still belongs to the current invocation.
      const forward = (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) this.currentLog?.(line);
      };
      child.stdout.on('data', forward);
      child.stderr.on('data', forward);
      child.on('message', (message: any) => {
        if (message.type === 'log') this.currentLog?.(message.line);
        else if (message.type === 'ready') resolve(undefined);
        else if (message.type === 'init-error') {
          resolve(message.error);
          this.kill();
        } else if (message.type === 'result' && this.pending?.requestId === message.requestId) {
          const { resolve: done } = this.pending!;
          this.pending = undefined;
          done(
            message.error ? { error: message.error, memoryMb: message.memoryMb } : { result: message.result, memoryMb: message.memoryMb },
          );
        } else if (message.type === 'crash' && this.pending) {
          const { resolve: done } = this.pending;
          this.pending = undefined;
          done({ error: message.error });
        }
      });
      child.on('exit', (code, signal) => {
        this.dead = true;
        if (this.pending) {
          const { resolve: done } = this.pending;
          this.pending = undefined;
          done({
            error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: exited before returning (status ${code ?? signal})` },
          });
        }
        resolve({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited during init with ${code ?? signal}` });
        this.onExit(this);
      });
    });
  }

  /** Runs one invocation; kills the environment when it exceeds `timeoutMs`, as AWS does. */
  invoke(requestId: string, event: unknown, timeoutMs: number, onLog: (line: string) => void): Promise<InvocationOutcome> {
    if (!this.child || this.dead)
      return Promise.resolve({ error: { errorType: 'Runtime.ExitError', errorMessage: 'Execution environment is gone' } });
    this.busy = true;
    this.currentLog = onLog;
    return new Promise<InvocationOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.requestId !== requestId) return;
        this.pending = undefined;
        this.kill();
        resolve({
          timedOut: true,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
          },
        });
      }, timeoutMs);
      this.pending = {
        requestId,
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      this.child!.send({ type: 'invoke', requestId, event, deadline: Date.now() + timeoutMs, invokedFunctionArn: this.spec.functionArn });
    }).finally(() => {
      this.busy = false;
      this.lastUsed = Date.now();
    });
  }

  kill(): void {
    this.dead = true;
    this.child?.kill('SIGKILL');
  }
}
