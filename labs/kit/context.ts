import { AsyncLocalStorage } from 'node:async_hooks';
import type { Target } from './target.ts';

/**
 * What a snippet or a checkpoint runs against. The engine enters a context before it calls lab
 * code, so lab code reads like a plain SDK program: `sns().send(...)`, `output('TopicArn')`.
 */
export interface LabContext {
  target: Target;
  /** The lab's id, e.g. `lab-1`. */
  labId: string;
  /** Name of the lab's CloudFormation stack for this learner. */
  stackName: string;
  /** Where the lab's output lines go (terminal, page, test). */
  print: (line: string) => void;
  /** Aborted when the user cancels or a deadline passes. */
  signal: AbortSignal;
  /** What `oncePerRun` looked up in this run, by key (the stack's outputs among them). */
  lookups?: Map<string, Promise<unknown>>;
}

// One store per process, shared by every copy of this module: the engine loads lab files in
// fresh module namespaces (to pick up edits), and each of them must see the engine's context.
const STORE_KEY = Symbol.for('workshop.labContext');
const globals = globalThis as unknown as Record<symbol, AsyncLocalStorage<LabContext> | undefined>;
const storage = (globals[STORE_KEY] ??= new AsyncLocalStorage<LabContext>());

/** Runs `fn` with `context` as the current lab context. */
export function withLabContext<T>(context: LabContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

/** The current lab context; throws when lab code runs outside the engine. */
export function labContext(): LabContext {
  const context = storage.getStore();
  if (!context) {
    throw new Error('Lab code must run inside the lab engine (npx workshop run / verify), which sets its target.');
  }
  return context;
}

/**
 * `lookup`'s answer for `key`, asked once per run (a verify, a snippet): the calls after it in
 * the same run, and those made while it is under way, share its answer. For what a run may take
 * as fixed, such as a queue's URL by its name: a verify's probes would otherwise ask for it in
 * every poll. An answer of undefined, or a failure, is not kept: the next call asks again.
 */
export function oncePerRun<T>(key: string, lookup: () => Promise<T | undefined>): Promise<T | undefined> {
  const lookups = (labContext().lookups ??= new Map());
  let answer = lookups.get(key) as Promise<T | undefined> | undefined;
  if (!answer) {
    answer = lookup();
    lookups.set(key, answer);
    const forget = () => lookups.get(key) === answer && lookups.delete(key);
    answer.then((value) => value === undefined && forget(), forget);
  }
  return answer;
}

/** Prints one line of output of the running snippet or checkpoint. */
export function print(line: string): void {
  labContext().print(line);
}
