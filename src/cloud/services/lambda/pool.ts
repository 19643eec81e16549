import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type EnvironmentSpec, ExecutionEnvironment, type InvocationOutcome } from './runtime/environment.ts';

/** Limits of a function's environments. */
export interface PoolLimits {
  /** Most invocations under way at once (running, or waiting for an environment): beyond it they are throttled. */
  maxConcurrency: number;
  /** Most environments (processes) at once: invocations beyond them wait for one to be free. */
  maxEnvironments: number;
}

/** Limits of every function's environments together (see CloudOptions.lambda). */
export interface EnvironmentLimits {
  /** Most environments alive at once, all functions together. */
  maxEnvironments: number;
  /** Environments idle longer than this are shut down. */
  idleMs: number;
  /**
   * Most environments starting at once, all functions together (see LambdaLimits.maxStarting).
   * Default: defaultMaxStarting().
   */
  maxStarting?: number;
}

/**
 * How many environments may start at once unless told: one less than the machine's available
 * parallelism, at least one. Starts are CPU-bound; with as many as there are cores, a first burst
 * of messages to a few functions takes every core, and the cloud's own work (deliveries, the
 * answers to requests, the event stream a page lights its diagram from) waits behind them.
 */
export function defaultMaxStarting(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** What a pool needs of an execution environment (ExecutionEnvironment; a stand-in in tests). */
export type Environment = Pick<
  ExecutionEnvironment,
  'logStreamName' | 'lastUsed' | 'busy' | 'alive' | 'functionName' | 'pid' | 'init' | 'invoke' | 'kill'
>;

/** Makes an environment for a spec; `onExit` is called when its process is gone. */
export type EnvironmentFactory = (spec: EnvironmentSpec, onExit: (gone: Environment) => void) => Environment;

const processEnvironment: EnvironmentFactory = (spec, onExit) => new ExecutionEnvironment(spec, onExit);

/**
 * The execution environments of every function together, each a Node.js process: at most
 * `maxEnvironments` alive at once. A new one takes a free place, or the place of the least
 * recently used idle environment (of any function), or waits until one is idle or gone. Idle
 * environments are stopped after `idleMs`.
 *
 * At most `maxStarting` are starting at once. A start is a Node.js process loading the function's
 * code and the AWS SDK, a few hundred milliseconds of CPU: twenty of them at once on a two-core
 * laptop (a first burst of messages to a few functions) make every one of them, and the cloud's
 * own work, take seconds, where two at a time take the same total and the first is ready early.
 */
export class EnvironmentBudget {
  private readonly live = new Set<Environment>();
  /** Environments loading their code (counted against maxStarting until they are ready or gone). */
  private readonly initializing = new Set<Environment>();
  private waiting: (() => void)[] = [];
  /** Places given by `acquire` whose environment is not added yet: several waiters woken at once must not all take the last place. */
  private reserved = 0;
  private reaper?: NodeJS.Timeout;
  private readonly maxStarting: number;

  constructor(private readonly limits: EnvironmentLimits) {
    this.maxStarting = Math.max(1, limits.maxStarting ?? defaultMaxStarting());
  }

  /** Every environment alive, for measuring their memory. */
  environments(): Environment[] {
    return [...this.live];
  }

  /**
   * Resolves true once a new environment may start (after stopping an idle one if need be); its
   * place is kept until `add`. Resolves false, holding nothing, as soon as `wanted` says the
   * environment is no longer needed (another one became free meanwhile).
   */
  async acquire(wanted: () => boolean = () => true): Promise<boolean> {
    for (;;) {
      if (!wanted()) return false;
      if (this.initializing.size + this.reserved < this.maxStarting) {
        if (this.live.size + this.reserved < this.limits.maxEnvironments) {
          this.reserved++;
          return true;
        }
        const idle = [...this.live].filter((e) => !e.busy && e.alive).sort((a, b) => a.lastUsed - b.lastUsed)[0];
        if (idle) {
          this.stop(idle);
          continue;
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** A new environment has started (and is loading its code until `initialized`). */
  add(environment: Environment): void {
    this.reserved = Math.max(0, this.reserved - 1);
    this.live.add(environment);
    this.initializing.add(environment);
    this.reaper ??= setInterval(() => this.reap(), Math.min(this.limits.idleMs, 30_000));
    this.reaper.unref();
  }

  /** An environment has loaded its code (or failed to): another may start. */
  initialized(environment: Environment): void {
    if (this.initializing.delete(environment)) this.wake();
  }

  /** An environment finished an invocation or is gone: whoever waits for a place may try again. */
  changed(environment: Environment): void {
    if (!environment.alive) {
      this.live.delete(environment);
      this.initializing.delete(environment);
    }
    this.wake();
  }

  /** Stops an environment and frees its place. */
  stop(environment: Environment): void {
    environment.kill();
    this.changed(environment);
  }

  /** Stops every environment (the cloud is stopping). */
  shutdown(): void {
    for (const environment of this.live) environment.kill();
    this.live.clear();
    this.initializing.clear();
    this.reserved = 0;
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    this.wake();
  }

  private wake(): void {
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

/** What an invocation waiting for an environment gets: one to run on, or the error of the start made for it. */
type Handed = { environment: Environment } | { initError: NonNullable<InvocationOutcome['error']>; initDurationMs: number };

/** How long a start is taken to last before one was measured: a Node.js process loading the AWS SDK, on a laptop. */
const FIRST_START_ESTIMATE_MS = 250;

/**
 * The execution environments of one function version. An invocation runs on an idle warm
 * environment; when there is none it waits for the first environment of the function that is
 * free, whether one that finishes its invocation or one started for it (a cold start), and is
 * throttled when the function already has as many invocations under way as its concurrency allows.
 *
 * When to start another environment is a rent-or-buy choice: a start costs a process and a few
 * hundred milliseconds of CPU, and gives the invocation an environment no sooner than it takes,
 * while a warm one may be free sooner. So a function with no environment starts one at once, and
 * an invocation that has waited as long as the function's last start took gets a start of its
 * own (so it never waits more than twice as long as the better choice would have taken). A start no longer needed by the time
 * the budget lets it begin (a warm environment took its invocation meanwhile) is not made.
 * Messages arriving faster than a start takes so queue behind one or two starts, where each
 * would otherwise fork a process; invocations that stay busy still get one environment each.
 */
export class EnvironmentPool {
  private readonly environments = new Set<Environment>();
  /** Invocations waiting for an environment, oldest first, with the time each began to wait. */
  private readonly waiters: { take: (handed: Handed) => void; since: number }[] = [];
  /** How long this function's last start took. */
  private startMs = FIRST_START_ESTIMATE_MS;
  /** Calls `scaleUp` when the next waiting invocation has waited as long as a start takes. */
  private patience?: NodeJS.Timeout;
  /** Starts waiting for the budget's leave: they count against the function's concurrency. */
  private launching = 0;
  /** Environments loading their code. */
  private readonly initializing = new Set<Environment>();
  /** Init durations of started environments no invocation has run on yet: their first REPORT says it. */
  private readonly unreportedInit = new WeakMap<Environment, number>();
  private closed = false;

  constructor(
    private readonly spec: EnvironmentSpec,
    private limits: PoolLimits,
    private readonly writeLog: (streamName: string, line: string) => void,
    private readonly budget: EnvironmentBudget,
    private readonly create: EnvironmentFactory = processEnvironment,
  ) {}

  setLimits(limits: PoolLimits): void {
    this.limits = limits;
    this.scaleUp();
  }

  get size(): number {
    return this.environments.size;
  }

  /** Invocations running now (environments busy, starts aside). */
  private get running(): number {
    return [...this.environments].filter((e) => e.busy && !this.initializing.has(e)).length;
  }

  async invoke(event: unknown, timeoutMs: number, requestId = randomUUID()): Promise<InvocationReport> {
    let environment = [...this.environments].find((e) => !e.busy && e.alive);
    if (environment) environment.busy = true;
    else {
      // Concurrency is invocations under way: those running and those waiting (on AWS each would
      // have an environment starting for it).
      if (this.running + this.waiters.length >= this.limits.maxConcurrency) {
        return {
          requestId,
          durationMs: 0,
          coldStart: false,
          throttled: true,
          error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
        };
      }
      const handed = await new Promise<Handed>((take) => {
        this.waiters.push({ take, since: performance.now() });
        this.scaleUp();
      });
      if ('initError' in handed)
        return { requestId, durationMs: 0, coldStart: true, initDurationMs: handed.initDurationMs, error: handed.initError };
      environment = handed.environment;
    }
    const initDurationMs = this.unreportedInit.get(environment);
    this.unreportedInit.delete(environment);
    const coldStart = initDurationMs !== undefined;
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
    this.free(environment);
    return { ...outcome, requestId, durationMs, coldStart, initDurationMs };
  }

  /** Shuts every environment down (code or configuration changed, function deleted, cloud stopping). */
  shutdown(): void {
    this.closed = true;
    clearTimeout(this.patience);
    for (const environment of this.environments) this.budget.stop(environment);
    this.environments.clear();
  }

  /** An environment is free: the oldest waiting invocation takes it, or it waits warm for the next. */
  private free(environment: Environment): void {
    if (environment.alive && this.environments.has(environment)) {
      const next = this.waiters.shift();
      if (next) {
        environment.busy = true;
        next.take({ environment });
      } else if (this.closed) this.budget.stop(environment); // a pool shut down (its function changed) keeps nothing warm
    }
    // Woken, starts that waited for a place see whether they are still wanted; others may take this one's place.
    this.budget.changed(environment);
  }

  /**
   * Starts an environment for each invocation that has waited as long as a start takes (any, when
   * the function has no environment) beyond those already starting, within the function's limits;
   * and looks again when the next one will have waited that long.
   */
  private scaleUp(): void {
    clearTimeout(this.patience);
    this.patience = undefined;
    const now = performance.now();
    const patienceMs = this.environments.size + this.launching === 0 ? 0 : this.startMs;
    let due = 0;
    while (due < this.waiters.length && now - this.waiters[due].since >= patienceMs) due++;
    const most = Math.min(this.limits.maxEnvironments, this.limits.maxConcurrency);
    while (due > this.launching + this.initializing.size && this.environments.size + this.launching < most) void this.launch();
    const next = this.waiters[due];
    if (next && !this.closed) {
      this.patience = setTimeout(() => this.scaleUp(), Math.max(1, patienceMs - (now - next.since)));
      this.patience.unref();
    }
  }

  /** Starts one environment once the budget allows it, unless no invocation waits for it any more. */
  private async launch(): Promise<void> {
    this.launching++;
    let placed: boolean;
    try {
      placed = await this.budget.acquire(() => this.waiters.length > this.launching - 1 + this.initializing.size);
    } finally {
      this.launching--;
    }
    if (!placed) return;
    const environment = this.create(this.spec, (gone) => {
      this.environments.delete(gone);
      this.budget.changed(gone);
      // Invocations waiting for it (a busy environment that died) need another.
      this.scaleUp();
    });
    this.environments.add(environment);
    this.budget.add(environment);
    environment.busy = true;
    this.initializing.add(environment);
    const stream = environment.logStreamName;
    const started = performance.now();
    this.writeLog(stream, `INIT_START Runtime Version: nodejs:${process.versions.node.split('.')[0]}.local\tRuntime Version ARN: local`);
    let initError: InvocationOutcome['error'];
    try {
      initError = await environment.init((line) => this.writeLog(stream, line));
    } finally {
      this.initializing.delete(environment);
      this.budget.initialized(environment);
    }
    const initDurationMs = performance.now() - started;
    if (initError) {
      this.writeLog(stream, `${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify(initError)}`);
      this.writeLog(
        stream,
        `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${initError.errorType}`,
      );
      this.budget.stop(environment);
      this.environments.delete(environment);
      // The invocation it was started for fails with the init error (as on AWS); others waiting get a start of their own.
      this.waiters.shift()?.take({ initError, initDurationMs });
      this.scaleUp();
      return;
    }
    this.unreportedInit.set(environment, initDurationMs);
    this.startMs = initDurationMs;
    environment.busy = false;
    this.free(environment);
  }
}
