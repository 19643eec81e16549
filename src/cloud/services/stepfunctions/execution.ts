import type { ActivityStream } from '../../activity/stream.ts';
import type { RequestContext } from '../../aws/context.ts';
import { type ParsedDefinition, STATE_CONTEXT, type TaskSpec } from './definition.ts';
import { TaskError } from './errors.ts';
import { History, type HistoryEvent, payload } from './history.ts';
import { callIntegration, type IntegrationServices } from './integrations.ts';
import type { TaskTokens } from './task-tokens.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** The activity that tells how an execution ended. */
const ENDED = {
  SUCCEEDED: 'states.execution-succeeded',
  FAILED: 'states.execution-failed',
  TIMED_OUT: 'states.execution-timed-out',
  ABORTED: 'states.execution-aborted',
} as const;

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  roleArn: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
}

export interface ExecutionDeps {
  services: IntegrationServices;
  tokens: TaskTokens;
  activity: ActivityStream;
  /** The ASL interpreter's Wait states and Retry intervals, scaled for tests (1 = as written). */
  timeScale?: number;
}

/** One call of a Task state in flight (a Map runs the same state many times at once). */
interface TaskCall {
  state: string;
  closed: boolean;
  tokens: string[];
  /** Records the call's end in the history; later endings of the same call are ignored. */
  close(type: 'Succeeded' | 'Failed' | 'TimedOut', details: Record<string, unknown>): void;
}

/** A running execution: `stop` aborts it (StopExecution), `done` settles when it has ended. */
export interface RunningExecution {
  stop(error?: string, cause?: string): void;
  done: Promise<void>;
}

/**
 * Runs one execution on the ASL interpreter. The interpreter walks the states (Choice, Wait,
 * Parallel, Map, Retry, Catch, timeouts); every Task is handed back here by state name and
 * dispatched on its Resource to the local cloud's services. The history is built from the
 * interpreter's state events plus the task events recorded here, with AWS's event types.
 */
export function runExecution(
  record: ExecutionRecord,
  parsed: ParsedDefinition,
  deps: ExecutionDeps,
  context: RequestContext,
): RunningExecution {
  const history = new History(record.history);
  const stateMachineArn = record.stateMachineArn;
  const { activity } = deps;
  const calls: TaskCall[] = [];
  let stopRequest: { error?: string; cause?: string } | undefined;
  // Once the execution has ended nothing more is recorded: on AWS its terminal event is the last.
  let ended = false;
  // What $$.State reads: when each state was entered, how often it has failed since.
  const enteredAt = new Map<string, string>();
  const failures = new Map<string, number>();

  history.add('ExecutionStarted', { input: record.input, inputDetails: { truncated: false }, roleArn: record.roleArn });
  activity.emit('states.execution-started', record.executionArn, { stateMachineArn, name: record.name });

  const runTask = async (state: string, spec: TaskSpec, input: unknown): Promise<unknown> => {
    // The interpreter reports the state's entry on an asynchronous log: let it reach the history first.
    await new Promise((resolve) => setImmediate(resolve));
    const { resource } = spec;
    const direct = resource.kind === 'lambda-arn';
    const callback = resource.pattern === 'callback';
    const resourceType = direct ? 'lambda' : resource.service;
    const resourceName = direct ? resource.functionArn : `${resource.api}${callback ? '.waitForTaskToken' : ''}`;
    const prefix = direct ? 'LambdaFunction' : 'Task';
    const about = direct ? {} : { resourceType, resource: resourceName };
    if (direct)
      history.add('LambdaFunctionScheduled', { resource: resourceName, input: payload(input), inputDetails: { truncated: false } });
    else
      history.add('TaskScheduled', {
        ...about,
        region: context.region,
        parameters: payload(input),
        ...(spec.heartbeatSeconds ? { heartbeatInSeconds: spec.heartbeatSeconds } : {}),
      });
    history.add(`${prefix}Started`, direct ? undefined : about);
    const call: TaskCall = {
      state,
      closed: false,
      tokens: [],
      close(type, details) {
        if (this.closed) return;
        this.closed = true;
        calls.splice(calls.indexOf(this), 1);
        // A worker answering a token of a task that failed or timed out hears TaskTimedOut.
        if (type !== 'Succeeded')
          for (const token of this.tokens)
            deps.tokens.expire(token, new TaskError(String(details.error ?? 'States.Timeout'), String(details.cause ?? '')));
        if (!ended) history.add(`${prefix}${type}`, { ...about, ...details });
      },
    };
    calls.push(call);
    try {
      let output: unknown;
      if (callback)
        output = await waitForToken(
          call,
          spec,
          input,
          () => callIntegration(deps.services, resource, input, record.roleArn, context),
          (submitted) => history.add('TaskSubmitted', { ...about, output: payload(submitted), outputDetails: { truncated: false } }),
        );
      else output = await callIntegration(deps.services, resource, input, record.roleArn, context);
      call.close('Succeeded', { output: payload(output), outputDetails: { truncated: false } });
      return output;
    } catch (error) {
      const name = (error as Error).name;
      const open = !call.closed;
      call.close(name === 'States.HeartbeatTimeout' ? 'TimedOut' : 'Failed', { error: name, cause: (error as Error).message });
      failures.set(state, (failures.get(state) ?? 0) + 1);
      if (open && !ended) activity.emit('states.task-failed', record.executionArn, { stateMachineArn, state, error: name });
      throw error;
    }
  };

  const waitForToken = async (
    call: TaskCall,
    spec: TaskSpec,
    input: unknown,
    send: () => Promise<unknown>,
    submitted: (output: unknown) => void,
  ): Promise<unknown> => {
    const found = deps.tokens.find(record.executionArn, input);
    if (found.length === 0) {
      throw new TaskError(
        'States.Runtime',
        `Task state '${call.state}' waits for a task token, but its parameters do not pass one on: add "TaskToken.$": "$$.Task.Token" (or put $$.Task.Token in the message) so the worker can call SendTaskSuccess.`,
      );
    }
    call.tokens = found;
    let heartbeat: NodeJS.Timeout | undefined;
    const beat = () => {
      if (!spec.heartbeatSeconds) return;
      clearTimeout(heartbeat);
      heartbeat = setTimeout(() => {
        const error = new TaskError('States.HeartbeatTimeout', `The task sent no heartbeat for ${spec.heartbeatSeconds} seconds.`);
        for (const token of call.tokens) deps.tokens.expire(token, error);
      }, spec.heartbeatSeconds * 1000);
      heartbeat.unref();
    };
    // Wait before sending: the worker may answer before the send call returns.
    const answered = Promise.race(found.map((token) => deps.tokens.wait(token, record.executionArn, beat)));
    answered.catch(() => undefined);
    try {
      submitted(await send());
      beat();
      return await answered;
    } finally {
      clearTimeout(heartbeat);
    }
  };

  const handlers = Object.fromEntries(
    [...parsed.tasks].map(([state, spec]) => [state, (input: unknown) => runTask(state, spec, input) as Promise<any>]),
  );
  const contextObject = {
    Execution: { Id: record.executionArn, Name: record.name, RoleArn: record.roleArn },
    StateMachine: { Id: record.stateMachineArn, Name: record.stateMachineArn.split(':').pop() },
    // Each read of $$.Task.Token issues a new token, owned by this execution.
    Task: {
      get Token() {
        return deps.tokens.issue(record.executionArn);
      },
    },
    // $$.State.* of each state, under the key its definition was rewritten to (see definition.ts).
    [STATE_CONTEXT]: Object.fromEntries(
      [...parsed.stateKeys].map(([key, name]) => [
        key,
        {
          Name: name,
          // Input paths are read as the state is entered, before the log reports the entry: then it is now.
          get EnteredTime() {
            return enteredAt.get(name) ?? new Date().toISOString();
          },
          get RetryCount() {
            return failures.get(name) ?? 0;
          },
        },
      ]),
    ),
  };
  const scale = deps.timeScale ?? 1;
  const execution = parsed.machine.run(JSON.parse(record.input), {
    context: contextObject,
    overrides: { taskResourceLocalHandlers: handlers, ...(scale === 1 ? {} : scaledWaits(parsed, scale)) },
  });
  execution.result.catch(() => undefined);

  const finish = (status: Exclude<ExecutionStatus, 'RUNNING'>, type: string, details: Record<string, unknown>) => {
    record.status = status;
    record.stopDate = new Date();
    history.add(type, details);
    ended = true;
    deps.tokens.endExecution(record.executionArn, new TaskError('States.Runtime', 'The execution ended.'));
    activity.emit(ENDED[status], record.executionArn, { stateMachineArn, error: record.error });
  };

  const done = (async () => {
    for await (const event of execution.eventLogs) {
      switch (event.type) {
        case 'StateEntered':
          enteredAt.set(event.state.name, new Date(event.timestamp).toISOString());
          failures.delete(event.state.name);
          history.entered(event.state.type, event.state.name, event.state.input);
          if (event.state.type === 'Parallel') history.add('ParallelStateStarted');
          if (event.state.type === 'Map')
            history.add('MapStateStarted', { length: mapLength(parsed, event.state.name, event.state.input) });
          activity.emit('states.state-entered', record.executionArn, {
            stateMachineArn,
            state: event.state.name,
            stateType: event.state.type,
          });
          break;
        case 'StateExited':
          enteredAt.delete(event.state.name);
          if (event.state.type === 'Parallel') history.add('ParallelStateSucceeded');
          if (event.state.type === 'Map') history.add('MapStateSucceeded');
          history.exited(event.state.type, event.state.name, event.state.output);
          activity.emit('states.state-exited', record.executionArn, {
            stateMachineArn,
            state: event.state.name,
            stateType: event.state.type,
          });
          break;
        case 'StateFailed':
          // The interpreter timed the task out while its call was still in flight.
          if (event.state.type === 'Task' && event.Error === 'States.Timeout') {
            calls
              .find((c) => c.state === event.state.name)
              ?.close('TimedOut', { error: 'States.Timeout', cause: 'The task did not finish within its TimeoutSeconds.' });
          }
          if (event.state.type === 'Map' || event.state.type === 'Parallel') history.add(`${event.state.type}StateFailed`);
          break;
        case 'StateRetried':
          activity.emit('states.state-retried', record.executionArn, {
            stateMachineArn,
            state: event.state.name,
            attempt: event.retry.attempt,
          });
          break;
        case 'StateCaught':
          activity.emit('states.state-caught', record.executionArn, {
            stateMachineArn,
            state: event.state.name,
            next: event.catch.catcher.Next,
          });
          break;
        case 'MapIterationStarted':
        case 'MapIterationSucceeded':
        case 'MapIterationFailed':
          history.add(event.type, { name: event.parentState.name, index: event.index });
          break;
        case 'ExecutionSucceeded':
          record.output = payload(event.output);
          finish('SUCCEEDED', 'ExecutionSucceeded', { output: record.output, outputDetails: { truncated: false } });
          break;
        case 'ExecutionFailed': {
          // A Fail state without Error/Cause fails the execution without them, as on AWS.
          record.error = event.Error === 'FailStateError' ? undefined : event.Error;
          record.cause = event.Cause === 'Execution failed because of a Fail state' ? undefined : String(event.Cause ?? '');
          finish('FAILED', 'ExecutionFailed', { error: record.error, cause: record.cause });
          break;
        }
        case 'ExecutionAborted':
          record.error = stopRequest?.error;
          record.cause = stopRequest?.cause;
          finish('ABORTED', 'ExecutionAborted', { error: record.error, cause: record.cause });
          break;
        case 'ExecutionTimeout':
          record.error = 'States.Timeout';
          finish('TIMED_OUT', 'ExecutionTimedOut', {
            error: 'States.Timeout',
            cause: "The execution ran longer than the definition's TimeoutSeconds.",
          });
          break;
      }
    }
  })();

  return {
    stop(error, cause) {
      stopRequest = { error, cause };
      execution.abort();
    },
    done,
  };
}

/** How many items a Map state iterates over: its ItemsPath (a plain `$.a.b` path) applied to its input. */
function mapLength(parsed: ParsedDefinition, stateName: string, input: unknown): number {
  const state = findState(parsed.definition, stateName);
  const path = String(state?.ItemsPath ?? '$');
  let items: any = input;
  for (const key of path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean))
    items = items?.[key];
  return Array.isArray(items) ? items.length : 0;
}

function findState(machine: any, name: string): any {
  for (const [stateName, state] of Object.entries<any>(machine?.States ?? {})) {
    if (stateName === name) return state;
    for (const inner of [...(state.Branches ?? []), state.ItemProcessor ?? state.Iterator].filter(Boolean)) {
      const found = findState(inner, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Wait states and retry intervals shortened by `scale` (tests and demos only). */
function scaledWaits(parsed: ParsedDefinition, scale: number) {
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number[]> = {};
  const visit = (machine: any) => {
    for (const [name, state] of Object.entries<any>(machine.States ?? {})) {
      if (state.Type === 'Wait' && typeof state.Seconds === 'number') waitTimeOverrides[name] = state.Seconds * 1000 * scale;
      if (Array.isArray(state.Retry)) retryIntervalOverrides[name] = state.Retry.map((r: any) => (r.IntervalSeconds ?? 1) * 1000 * scale);
      for (const branch of state.Branches ?? []) visit(branch);
      if (state.ItemProcessor ?? state.Iterator) visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(parsed.definition);
  return { waitTimeOverrides, retryIntervalOverrides };
}
