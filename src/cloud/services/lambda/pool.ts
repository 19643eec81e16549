import { randomUUID } from 'node:crypto';
import { type EnvironmentSpec, ExecutionEnvironment, type InvocationOutcome } from './runtime/environment.ts';

/** Limits of a function's environments. */
export interface PoolLimits {
  /** Most environments at once: reserved concurrency, or the local default. */
  maxConcurrency: number;
  /** Environments idle longer than this are shut down. */
  idleMs: number;
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
  private reaper?: NodeJS.Timeout;

  constructor(
    private readonly spec: EnvironmentSpec,
    private limits: PoolLimits,
    private readonly writeLog: (streamName: string, line: string) => void,
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
      if (this.environments.size >= this.limits.maxConcurrency) {
        return {
          requestId,
          durationMs: 0,
          coldStart: false,
          throttled: true,
          error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
        };
      }
      environment = new ExecutionEnvironment(this.spec, (gone) => this.environments.delete(gone));
      this.environments.add(environment);
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
        environment.kill();
        this.environments.delete(environment);
        return { requestId, durationMs: 0, coldStart, initDurationMs, error: initError };
      }
    }
    this.scheduleReaper();
    const stream = environment.logStreamName;
    this.writeLog(stream, `START RequestId: ${requestId} Version: $LATEST`);
    const started = performance.now();
    const outcome = await environment.invoke(requestId, event, timeoutMs, (line) => this.writeLog(stream, line));
    const durationMs = performance.now() - started;
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
    for (const environment of this.environments) environment.kill();
    this.environments.clear();
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
  }

  private scheduleReaper(): void {
    if (this.reaper) return;
    this.reaper = setInterval(
      () => {
        const now = Date.now();
        for (const environment of this.environments) {
          if (!environment.busy && now - environment.lastUsed > this.limits.idleMs) {
            environment.kill();
            this.environments.delete(environment);
          }
        }
        if (this.environments.size === 0 && this.reaper) {
          clearInterval(this.reaper);
          this.reaper = undefined;
        }
      },
      Math.min(this.limits.idleMs, 30_000),
    );
    this.reaper.unref();
  }
}
