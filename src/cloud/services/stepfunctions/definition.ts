import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { deeperThan } from '../../shared/json-depth.ts';
import { invalidDefinition } from './errors.ts';
import { parseResource, type TaskResource } from './resources.ts';

/** A Task state as the engine dispatches it: by name (the interpreter's hook) to its resource. */
export interface TaskSpec {
  resource: TaskResource;
  /** Seconds without a heartbeat after which a callback task fails with States.HeartbeatTimeout. */
  heartbeatSeconds?: number;
}

export interface ParsedDefinition {
  definition: StateMachineDefinition;
  tasks: Map<string, TaskSpec>;
  /** The state each rewritten `$$.State` path reads, by its key under STATE_CONTEXT. */
  stateKeys: Map<string, string>;
  /** The interpreter for this definition, validated once (validation costs tens of milliseconds). */
  machine: StateMachine;
}

/**
 * The interpreter's context object has no `State` (Name, EnteredTime, RetryCount); each state's
 * `$$.State.` paths are rewritten to `$$.<STATE_CONTEXT>.<key>.`, which the engine fills in.
 */
export const STATE_CONTEXT = 'WorkshopStates';

// The interpreter gives a Task state without TimeoutSeconds 60 s; on AWS it may run for the whole
// execution (up to a year). Timers cannot exceed 2^31-1 ms, so "no timeout" is about 24 days here.
const NO_TIMEOUT_SECONDS = 2_147_483;
/** Nesting the local cloud reads in a definition (AWS documents no limit below its 1 MB size). */
const MAX_NESTING = 200;

/**
 * Parses and validates an Amazon States Language definition as CreateStateMachine does, and
 * finds every Task state (in branches and Map iterators too) with the resource it calls.
 * Resources the local cloud cannot call fail here, by name, rather than during an execution.
 */
export function parseDefinition(text: string): ParsedDefinition {
  let definition: any;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    throw invalidDefinition(`The definition is not valid JSON: ${(error as Error).message}`);
  }
  if (!definition || typeof definition !== 'object' || Array.isArray(definition))
    throw invalidDefinition('The definition must be a JSON object.');
  // The interpreter and its validator walk a definition recursively: one nested deeper than any
  // real state machine is refused rather than walked into a stack overflow.
  if (deeperThan(definition, MAX_NESTING))
    throw invalidDefinition(`The definition is nested more than ${MAX_NESTING} levels deep, more than the local cloud reads.`);
  if (definition.QueryLanguage === 'JSONata')
    throw invalidDefinition('The local cloud runs JSONPath definitions only; QueryLanguage JSONata is not supported (use the AWS target).');
  const tasks = new Map<string, TaskSpec>();
  const stateKeys = new Map<string, string>();
  const prepared = structuredClone(definition);
  walk(prepared, tasks, stateKeys);
  let machine: StateMachine;
  try {
    // The interpreter validates the definition (structure, JSONPaths, transitions) when built. Its
    // validator compiles its schemas on every call (100–300 ms for a saga), so a definition it
    // accepted once is not validated again: a redeploy that keeps a state machine unchanged, or
    // updates it with the same text, builds it at once.
    const validated = VALIDATED.has(text);
    machine = new StateMachine(prepared, { validationOptions: validated ? { noValidate: true } : { checkArn: false } });
    if (!validated) remember(text);
  } catch (error) {
    throw invalidDefinition((error as Error).message.replace(/\s+/g, ' ').trim());
  }
  return { definition: prepared, tasks, stateKeys, machine };
}

/** Definitions the interpreter has accepted, most recent last; a bounded set of texts. */
const VALIDATED = new Set<string>();
const VALIDATED_MAX = 200;

function remember(text: string): void {
  VALIDATED.add(text);
  if (VALIDATED.size > VALIDATED_MAX) VALIDATED.delete(VALIDATED.values().next().value!);
}

function walk(machine: any, tasks: Map<string, TaskSpec>, stateKeys: Map<string, string>): void {
  if (!machine?.States || typeof machine.States !== 'object')
    throw invalidDefinition("SCHEMA_VALIDATION_FAILED: The field 'States' is required.");
  for (const [name, state] of Object.entries<any>(machine.States)) {
    const key = `s${stateKeys.size}`;
    if (rewriteStatePaths(state, `$$.${STATE_CONTEXT}.${key}.`)) stateKeys.set(key, name);
    if (state?.Type === 'Task') {
      if (tasks.has(name)) {
        throw invalidDefinition(
          `The local cloud needs Task state names to be unique across branches and iterators; '${name}' appears twice.`,
        );
      }
      if (state.Credentials)
        throw invalidDefinition(`Task state '${name}': Credentials (cross-account tasks) are not supported by the local cloud.`);
      const resource = parseResource(String(state.Resource ?? ''), name);
      if (resource.pattern !== 'callback' && state.HeartbeatSeconds !== undefined)
        throw invalidDefinition(
          `Task state '${name}': HeartbeatSeconds applies to callback tasks (.waitForTaskToken) only in the local cloud.`,
        );
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = NO_TIMEOUT_SECONDS;
      tasks.set(name, { resource, heartbeatSeconds: state.HeartbeatSeconds });
      // The interpreter does not know heartbeats; the engine enforces them itself.
      delete state.HeartbeatSeconds;
      delete state.HeartbeatSecondsPath;
    }
    if (state?.Type === 'Parallel') for (const branch of state.Branches ?? []) walk(branch, tasks, stateKeys);
    if (state?.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED')
        throw invalidDefinition(
          `Map state '${name}': distributed mode is not supported by the local cloud (use INLINE or the AWS target).`,
        );
      if (state.ItemReader || state.ResultWriter)
        throw invalidDefinition(`Map state '${name}': ItemReader and ResultWriter (distributed Map) are not supported by the local cloud.`);
      if (processor) walk(processor, tasks, stateKeys);
    }
  }
}

/** Rewrites `$$.State.` in a state's own fields (not in the machines nested in it); true if any. */
function rewriteStatePaths(state: any, replacement: string): boolean {
  let found = false;
  const visit = (value: any): any => {
    if (typeof value === 'string' && value.includes('$$.State.')) {
      found = true;
      return value.split('$$.State.').join(replacement);
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    return value;
  };
  for (const [field, value] of Object.entries(state ?? {})) {
    if (field === 'Branches' || field === 'Iterator' || field === 'ItemProcessor') continue;
    state[field] = visit(value);
  }
  return found;
}
