import { randomUUID } from 'node:crypto';
import { type EnvironmentSpec, ExecutionEnvironment, type InvocationOutcome } from './runtime/environment.ts';

/** Limits of a function's environments. */
export interface PoolLimits {
  /** Most environments at once: reserved concurrency, or the local default. */
  maxConcurrency: number;
}

/** Limits of every function's environments together (see CloudOptions.lambda). */
export interface EnvironmentLimits {
  /** Most environments alive at once, all functions together. */
  maxEnvironments: number;
  /** Environments idle longer than this are shut down. */
  idleMs: number;
}

/**
 * The execution environments of every function together, each a Node.js process: at most
 * `maxEnvironments` alive at once. A new one takes a free place, or the place of the least
 * recently used idle environment (of any function), or waits until one is idle or gone. Idle
 * environments are stopped after `idleMs`.
 */
export class EnvironmentBudget {
  private readonly live = new Set<ExecutionEnvironment>();
  private waiting: (() => void)[] = [];
  /** Places given by `acquire` whose environment is not added yet: several waiters woken at once must not all take the last place. */
  private reserved = 0;
  private reaper?: NodeJS.Timeout;

  constructor(private readonly limits: EnvironmentLimits) {}

  /** Every environment alive, for measuring their memory. */
  environments(): ExecutionEnvironment[] {
    return [...this.live];
  }

  /** Resolves once a new environment may start (after stopping an idle one if need be); its place is kept until `add`. */
  async acquire(): Promise<void> {
    for (;;) {
      if (this.live.size + this.reserved < this.limits.maxEnvironments) {
        this.reserved++;
        return;
      }
      const idle = [...this.live].filter((e) => !e.busy && e.alive).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (idle) {
        this.stop(idle);
        continue;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** A new environment has started. */
  add(environment: ExecutionEnvironment): void {
    this.reserved = Math.max(0, this.reserved - 1);
    this.live.add(environment);
    this.reaper ??= setInterval(() => this.reap(), Math.min(this.limits.idleMs, 30_000));
    this.reaper.unref();
  }

  /** An environment finished an invocation or is gone: whoever waits for a place may try again. */
  changed(environment: ExecutionEnvironment): void {
    if (!environment.alive) this.live.delete(environment);
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Stops an environment and frees its place. */
  stop(environment: ExecutionEnvironment): void {
    environment.kill();
    this.changed(environment);
  }

  /** Stops every environment (the cloud is stopping). */
  shutdown(): void {
    for (const environment of this.live) environment.kill();
    this.live.clear();
    this.reserved = 0;
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    for (const wake of this.waiting.splice(0)) wake();
  }

  private reap(): void {
    const now = Date.now();
    for (const environment of this.live) if (!environment.busy && now - environment.lastUsed > this.limits.idleMs) this.stop(environment);
    if (this.live.size === 0 && this.reaper) {
      clearInterval(this.reaper);
      this.reaper = undefined;
    }
  }
}

export interface InvocationReport extends InvocationOutcome {
  requestId: string;
  durationMs: number;
  coldStart: boolean;
  initDurationMs?: number;
  /** True when every environment was busy and the limit forbade a new one. */
  throttled?: boolean;
}

/**
 * The execution environments of one function version. Reuses a warm environment when one is
 * idle, starts one (a cold start) while under the concurrency limit, and throttles beyond it.
 */
export class EnvironmentPool {
  private readonly environments = new Set<ExecutionEnvironment>();
  /** Environments waiting for a place in the budget: they count against the function's concurrency. */
  private starting = 0;

  constructor(
    private readonly spec: EnvironmentSpec,
    private limits: PoolLimits,
    private readonly writeLog: (streamName: string, line: string) => void,
    private readonly budget: EnvironmentBudget,
  ) {}

  setLimits(limits: PoolLimits): void {
    this.limits = limits;
  }

  get size(): number {
    return this.environments.size;
  }

  get busy(): number {
    return [...this.environments].filter((e) => e.busy).length;
  }

  async invoke(event: unknown, timeoutMs: number, requestId = randomUUID()): Promise<InvocationReport> {
    let environment = [...this.environments].find((e) => !e.busy && e.alive);
    let coldStart = false;
    let initDurationMs: number | undefined;
    if (!environment) {
      if (this.environments.size + this.starting >= this.limits.maxConcurrency) {
        return {
          requestId,
          durationMs: 0,
          coldStart: false,
          throttled: true,
          error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
        };
      }
      this.starting++;
      try {
        await this.budget.acquire();
      } finally {
        this.starting--;
      }
      environment = new ExecutionEnvironment(this.spec, (gone) => {
        this.environments.delete(gone);
        this.budget.changed(gone);
      });
      this.environments.add(environment);
      this.budget.add(environment);
      environment.busy = true;
      coldStart = true;
      const stream = environment.logStreamName;
      const started = performance.now();
      this.writeLog(stream, `INIT_START Runtime Version: nodejs:${process.versions.node.split('.')[0]}.local\tRuntime Version ARN: local`);
      const initError = await environment.init((line) => this.writeLog(stream, line));
      initDurationMs = performance.now() - started;
      if (initError) {
        this.writeLog(stream, `${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(initError)}`);
        this.writeLog(
          stream,
          `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${initError.errorType}`,
        );
        this.budget.stop(environment);
        this.environments.delete(environment);
        return { requestId, durationMs: 0, coldStart, initDurationMs, error: initError };
      }
    }
    const stream = environment.logStreamName;
    this.writeLog(stream, `START RequestId: ${requestId} Version: $LATEST`);
    const started = performance.now();
    const outcome = await environment.invoke(requestId, event, timeoutMs, (line) => this.writeLog(stream, line));
    const durationMs = performance.now() - started;
    this.budget.changed(environment);
    if (outcome.timedOut) {
      this.writeLog(stream, `${new Date().toISOString()} ${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
      this.environments.delete(environment);
    } else if (outcome.error) {
      this.writeLog(stream, `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(outcome.error)}`);
    }
    this.writeLog(stream, `END RequestId: ${requestId}`);
    const init = initDurationMs !== undefined ? `\tInit Duration: ${initDurationMs.toFixed(2)} ms` : '';
    this.writeLog(
      stream,
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${this.spec.memoryMb} MB${outcome.memoryMb !== undefined ? `\tMax Memory Used: ${outcome.memoryMb} MB` : ''}${init}${outcome.timedOut ? '\tStatus: timeout' : ''}`,
    );
    return { ...outcome, requestId, durationMs, coldStart, initDurationMs };
  }

  /** Shuts every environment down (code or configuration changed, function deleted, cloud stopping). */
  shutdown(): void {
    for (const environment of this.environments) this.budget.stop(environment);
    this.environments.clear();
  }
}
