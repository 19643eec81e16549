// An execution's path, read from its history (GetExecutionHistory): the states it entered in
// order, what failed, what was retried, what was caught and where it went, and how it ended.
// The same reading serves the local cloud (refreshed on each event of its stream) and AWS (polled).
import type { HistoryEventView } from '../../lib/state-machines.ts';

export type StepStatus = 'running' | 'waiting' | 'succeeded' | 'caught' | 'failed';

/** One state the execution entered. */
export interface PathStep {
  state: string;
  type: string;
  status: StepStatus;
  /** Milliseconds from the start of the execution. */
  enteredAtMs: number;
  exitedAtMs?: number;
  /** The error the state's task failed with (its last failure). */
  error?: string;
  /** How many times its task was tried again. */
  retries: number;
  /** Where the error was caught to: the next state. */
  caughtTo?: string;
}

export interface ExecutionPath {
  steps: PathStep[];
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED, as the history says. */
  status: string;
  error?: string;
  durationMs?: number;
  /** State transitions as AWS bills a Standard workflow: one per state entered, one per retry. */
  transitions: number;
}

const ENDINGS: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** Reads an execution's path from its history events, oldest first. */
export function pathFromHistory(events: HistoryEventView[]): ExecutionPath {
  const start = events.length ? Date.parse(events[0].timestamp ?? '') : 0;
  const at = (event: HistoryEventView) => Math.max(0, Date.parse(event.timestamp ?? '') - start || 0);
  const steps: PathStep[] = [];
  let status = 'RUNNING';
  let error: string | undefined;
  let durationMs: number | undefined;
  let attempts = 0;
  let lastAttemptFailed = false;
  let submitted = false;
  for (const event of events) {
    const type = event.type ?? '';
    const step = steps.at(-1);
    if (type.endsWith('StateEntered')) {
      // Leaving a state whose last attempt failed, for another one: a catcher sent it there.
      if (step && lastAttemptFailed) {
        step.caughtTo = event.stateEnteredEventDetails?.name;
        step.status = 'caught';
      }
      steps.push({
        state: event.stateEnteredEventDetails?.name ?? '?',
        type: type.slice(0, -'StateEntered'.length),
        status: 'running',
        enteredAtMs: at(event),
        retries: 0,
      });
      attempts = 0;
      lastAttemptFailed = false;
      submitted = false;
    } else if (!step) {
      // Task events before the first state entered belong to no step.
    } else if (type === 'TaskScheduled' || type === 'LambdaFunctionScheduled' || type === 'ActivityScheduled') {
      if (attempts++ > 0) step.retries++;
      lastAttemptFailed = false;
      submitted = false;
      if (step.status === 'failed') step.status = 'running';
    } else if (type === 'TaskSubmitted' && event.taskSubmittedEventDetails !== undefined) {
      submitted = true;
    } else if (/^(Task|LambdaFunction|Activity)(Failed|TimedOut|ScheduleFailed|StartFailed)$/.test(type)) {
      const details = (event.taskFailedEventDetails ??
        event.lambdaFunctionFailedEventDetails ??
        event.taskTimedOutEventDetails ??
        event.lambdaFunctionTimedOutEventDetails ??
        event.lambdaFunctionScheduleFailedEventDetails ??
        event.lambdaFunctionStartFailedEventDetails ??
        event.taskStartFailedEventDetails) as { error?: string } | undefined;
      step.error = details?.error ?? (type.endsWith('TimedOut') ? 'States.Timeout' : type);
      step.status = 'failed';
      lastAttemptFailed = true;
      submitted = false;
    } else if (/^(Task|LambdaFunction|Activity)Succeeded$/.test(type)) {
      lastAttemptFailed = false;
      submitted = false;
    } else if (type.endsWith('StateExited')) {
      step.exitedAtMs = at(event);
      if (!lastAttemptFailed) step.status = 'succeeded';
    } else if (ENDINGS[type]) {
      status = ENDINGS[type];
      durationMs = at(event);
      const details = (event.executionFailedEventDetails ?? event.executionTimedOutEventDetails ?? event.executionAbortedEventDetails) as
        | { error?: string }
        | undefined;
      error = details?.error;
      // The state the execution ended in (a Succeed or Fail state, or one that was stopped or timed out).
      if (step.status === 'running') step.status = status === 'SUCCEEDED' ? 'succeeded' : 'failed';
    }
  }
  const last = steps.at(-1);
  if (status === 'RUNNING' && last && submitted && last.status === 'running') last.status = 'waiting';
  const retries = steps.reduce((sum, step) => sum + step.retries, 0);
  return { steps, status, error, durationMs, transitions: steps.length + retries };
}

/** The transitions an execution took, in order: from each step to the next, and how (a catch or not). */
export function takenEdges(steps: PathStep[]): { from: string; to: string; caught: boolean }[] {
  return steps.slice(1).map((step, i) => ({ from: steps[i].state, to: step.state, caught: steps[i].caughtTo === step.state }));
}
