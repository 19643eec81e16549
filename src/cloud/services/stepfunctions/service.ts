import { randomUUID } from 'node:crypto';
import type { ActivityStream } from '../../activity/stream.ts';
import { type ActionTable, arn, parseArn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { type ParsedDefinition, parseDefinition } from './definition.ts';
import { executionDoesNotExist, invalidArn, invalidName, stateMachineDoesNotExist, validation } from './errors.ts';
import { type ExecutionRecord, type RunningExecution, runExecution } from './execution.ts';
import type { IntegrationServices } from './integrations.ts';
import { TaskTokens } from './task-tokens.ts';

// LIMITATIONS: STANDARD state machines with JSONPath definitions; Task resources are Lambda
// function ARNs and the integrations in resources.ts (request-response and .waitForTaskToken);
// no activities, .sync, JSONata, distributed Map, versions or aliases. Executions running when
// the cloud stops cannot be resumed: a clean stop aborts them (Workshop.CloudStopped), and after a
// crash they are failed on the next start (Workshop.CloudRestarted). Only the newest executions
// are kept across a restart (SAVED_EXECUTIONS), the newest KEPT_EXECUTIONS in memory.

export interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: Date;
  updateDate?: Date;
  revisionId: string;
  loggingConfiguration?: unknown;
  tracingConfiguration?: unknown;
  description?: string;
  tags: Record<string, string>;
}

export interface StepFunctionsOptions {
  services: IntegrationServices;
  activity: ActivityStream;
  /** Scales Wait states and Retry intervals (tests); 1 runs them as written. */
  timeScale?: number;
}

// Names: 1-80 characters, none of whitespace, brackets, wildcards, punctuation AWS lists, or control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS's name rule excludes control characters, so the pattern names them.
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const KEPT_EXECUTIONS = 1_000;
const SAVED_EXECUTIONS = 100;
/** AWS's default page size of ListExecutions and GetExecutionHistory. */
const PAGE_SIZE = 100;
/** Inputs and outputs are limited to 256 KiB, as on AWS. */
const MAX_PAYLOAD = 262_144;

/** AWS Step Functions: state machines, executions on the ASL interpreter, history, task tokens. */
export class StepFunctionsService {
  readonly machines = new Map<string, StateMachineRecord>();
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, RunningExecution>();
  private readonly parsed = new Map<string, ParsedDefinition>();
  private readonly tokens = new TaskTokens();

  constructor(private readonly options: StepFunctionsOptions) {}

  readonly actions: ActionTable = {
    CreateStateMachine: (input, context) => this.create(input, context),
    UpdateStateMachine: (input) => this.update(input),
    DescribeStateMachine: (input) => this.describe(this.machine(input.stateMachineArn)),
    DeleteStateMachine: (input) => this.delete(input.stateMachineArn),
    ListStateMachines: () => ({
      stateMachines: [...this.machines.values()].map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: m.creationDate,
      })),
    }),
    ValidateStateMachineDefinition: (input) => this.validate(input),
    StartExecution: (input, context) => this.start(input, context),
    StartSyncExecution: () => {
      throw new AwsError(
        'StateMachineTypeNotSupported',
        'StartSyncExecution is for EXPRESS state machines; the local cloud runs STANDARD state machines only.',
      );
    },
    DescribeExecution: (input) => this.describeExecution(this.execution(input.executionArn)),
    DescribeStateMachineForExecution: (input) => {
      const machine = this.machine(this.execution(input.executionArn).stateMachineArn);
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        definition: machine.definition,
        roleArn: machine.roleArn,
        updateDate: machine.updateDate ?? machine.creationDate,
        revisionId: machine.revisionId,
      };
    },
    ListExecutions: (input) => this.listExecutions(input),
    StopExecution: (input) => this.stop(input),
    GetExecutionHistory: (input) => this.historyOf(input),
    SendTaskSuccess: (input) => {
      if (input.output === undefined)
        throw validation("1 validation error detected: Value null at 'output' failed to satisfy constraint: Member must not be null");
      if (Buffer.byteLength(String(input.output ?? '')) > MAX_PAYLOAD)
        throw validation(
          `1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD}`,
        );
      let output: unknown;
      try {
        output = JSON.parse(String(input.output));
      } catch {
        throw new AwsError('InvalidOutput', 'Invalid Output: the output must be JSON.');
      }
      this.tokens.succeed(token(input), output);
      return {};
    },
    SendTaskFailure: (input) => {
      this.tokens.fail(token(input), input.error ?? '', input.cause ?? '');
      return {};
    },
    SendTaskHeartbeat: (input) => {
      this.tokens.heartbeat(token(input));
      return {};
    },
    TagResource: (input) => {
      Object.assign(this.machine(input.resourceArn).tags, Object.fromEntries((input.tags ?? []).map((t: any) => [t.key, t.value])));
      return {};
    },
    UntagResource: (input) => {
      const machine = this.machine(input.resourceArn);
      for (const key of input.tagKeys ?? []) delete machine.tags[key];
      return {};
    },
    ListTagsForResource: (input) => ({
      tags: Object.entries(this.machine(input.resourceArn).tags).map(([key, value]) => ({ key, value })),
    }),
  };

  machine(stateMachineArn: unknown): StateMachineRecord {
    const value = String(stateMachineArn ?? '');
    if (!parseArn(value)) throw invalidArn(value);
    const machine = this.machines.get(value);
    if (!machine) throw stateMachineDoesNotExist(value);
    return machine;
  }

  execution(executionArn: unknown): ExecutionRecord {
    const value = String(executionArn ?? '');
    if (!parseArn(value)) throw invalidArn(value);
    const execution = this.executions.get(value);
    if (!execution) throw executionDoesNotExist(value);
    return execution;
  }

  create(input: any, context: RequestContext) {
    const name = String(input.name ?? '');
    if (!NAME.test(name)) throw invalidName(name);
    if (input.type && input.type !== 'STANDARD')
      throw validation(`The local cloud runs STANDARD state machines only; type ${input.type} is not supported (use the AWS target).`);
    const machineArn = arn('states', context, `stateMachine:${name}`);
    const parsed = parseDefinition(String(input.definition ?? ''));
    this.checkRole(String(input.roleArn ?? ''));
    const existing = this.machines.get(machineArn);
    if (existing) {
      // Same name and same configuration is idempotent on AWS; anything else is a conflict.
      if (existing.definition === input.definition && existing.roleArn === input.roleArn)
        return { stateMachineArn: existing.arn, creationDate: existing.creationDate };
      throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${machineArn}'`);
    }
    const machine: StateMachineRecord = {
      arn: machineArn,
      name,
      definition: input.definition,
      roleArn: input.roleArn,
      type: 'STANDARD',
      creationDate: new Date(),
      revisionId: randomUUID(),
      loggingConfiguration: input.loggingConfiguration,
      tracingConfiguration: input.tracingConfiguration,
      description: input.description,
      tags: Object.fromEntries((input.tags ?? []).map((t: any) => [t.key, t.value])),
    };
    this.machines.set(machineArn, machine);
    this.parsed.set(machineArn, parsed);
    this.options.activity.emit('states.state-machine-created', machineArn);
    return { stateMachineArn: machineArn, creationDate: machine.creationDate, stateMachineVersionArn: undefined };
  }

  private update(input: any) {
    const machine = this.machine(input.stateMachineArn);
    if (
      input.definition === undefined &&
      input.roleArn === undefined &&
      input.loggingConfiguration === undefined &&
      input.tracingConfiguration === undefined
    ) {
      throw new AwsError(
        'MissingRequiredParameter',
        'Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified.',
      );
    }
    if (input.definition !== undefined) {
      this.parsed.set(machine.arn, parseDefinition(String(input.definition)));
      machine.definition = input.definition;
    }
    if (input.roleArn !== undefined) {
      this.checkRole(String(input.roleArn));
      machine.roleArn = input.roleArn;
    }
    if (input.loggingConfiguration !== undefined) machine.loggingConfiguration = input.loggingConfiguration;
    if (input.tracingConfiguration !== undefined) machine.tracingConfiguration = input.tracingConfiguration;
    machine.updateDate = new Date();
    machine.revisionId = randomUUID();
    return { updateDate: machine.updateDate, revisionId: machine.revisionId };
  }

  /** AWS refuses a role Step Functions cannot assume: it must exist and trust states.amazonaws.com. */
  private checkRole(roleArn: string): void {
    const role = this.options.services.iam.roleByArn(roleArn);
    if (!role || !this.options.services.iam.trusts(role, 'states.amazonaws.com')) {
      throw new AwsError(
        'AccessDeniedException',
        `Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role: ${roleArn}`,
      );
    }
  }

  private describe(machine: StateMachineRecord) {
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definition,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: machine.creationDate,
      revisionId: machine.revisionId,
      description: machine.description,
      loggingConfiguration: machine.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: machine.tracingConfiguration ?? { enabled: false },
    };
  }

  private delete(stateMachineArn: unknown) {
    const value = String(stateMachineArn ?? '');
    if (!parseArn(value)) throw invalidArn(value);
    // Deleting is idempotent; executions in progress run to their end, as on AWS.
    if (this.machines.delete(value)) this.options.activity.emit('states.state-machine-deleted', value);
    this.parsed.delete(value);
    for (const [executionArn, execution] of this.executions)
      if (execution.stateMachineArn === value && execution.status !== 'RUNNING') this.executions.delete(executionArn);
    return {};
  }

  private validate(input: any) {
    try {
      parseDefinition(String(input.definition ?? ''));
      return { result: 'OK', diagnostics: [] };
    } catch (error) {
      return { result: 'FAIL', diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: (error as Error).message }] };
    }
  }

  start(input: any, context: RequestContext) {
    const machine = this.machine(input.stateMachineArn);
    const name = input.name === undefined ? randomUUID() : String(input.name);
    if (!NAME.test(name)) throw invalidName(name);
    const text = input.input === undefined ? '{}' : String(input.input);
    if (Buffer.byteLength(text) > MAX_PAYLOAD)
      throw validation(
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD}`,
      );
    try {
      JSON.parse(text);
    } catch {
      throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input must be JSON.');
    }
    const executionArn = arn('states', context, `execution:${machine.name}:${name}`);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Starting a running execution again with the same input is idempotent.
      if (existing.status === 'RUNNING' && existing.input === text) return { executionArn, startDate: existing.startDate };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      name,
      stateMachineArn: machine.arn,
      roleArn: machine.roleArn,
      status: 'RUNNING',
      startDate: new Date(),
      input: text,
      history: [],
    };
    this.executions.set(executionArn, record);
    this.forgetOldExecutions();
    const parsed = this.parsed.get(machine.arn) ?? parseDefinition(machine.definition);
    this.parsed.set(machine.arn, parsed);
    const running = runExecution(
      record,
      parsed,
      { services: this.options.services, tokens: this.tokens, activity: this.options.activity, timeScale: this.options.timeScale },
      context,
    );
    this.running.set(executionArn, running);
    void running.done.finally(() => {
      this.running.delete(executionArn);
      if (!this.machines.has(record.stateMachineArn)) this.executions.delete(executionArn);
    });
    return { executionArn, startDate: record.startDate };
  }

  /** Keeps the newest finished executions (a Map keeps its insertion order: oldest first). */
  private forgetOldExecutions(): void {
    let excess = this.executions.size - KEPT_EXECUTIONS;
    for (const [executionArn, execution] of this.executions) {
      if (excess <= 0) break;
      if (execution.status === 'RUNNING') continue;
      this.executions.delete(executionArn);
      excess--;
    }
  }

  /** What is saved across a restart: running executions and the newest finished ones. */
  savedExecutions(): Map<string, ExecutionRecord> {
    const all = [...this.executions];
    return new Map(all.filter(([, e], i) => e.status === 'RUNNING' || i >= all.length - SAVED_EXECUTIONS));
  }

  /** Empties the service (reset): executions are stopped first, so none acts on what is removed next. */
  clear(): void {
    this.shutdown();
    this.machines.clear();
    this.executions.clear();
    this.parsed.clear();
  }

  private describeExecution(execution: ExecutionRecord) {
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      stopDate: execution.stopDate,
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output,
      outputDetails: execution.output === undefined ? undefined : { included: true },
      error: execution.error,
      cause: execution.cause,
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  }

  private listExecutions(input: any) {
    this.machine(input.stateMachineArn);
    const all = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter))
      .reverse();
    const { items, nextToken } = page(all, input.maxResults, input.nextToken);
    return {
      executions: items.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        stopDate: e.stopDate,
      })),
      nextToken,
    };
  }

  private stop(input: any) {
    const execution = this.execution(input.executionArn);
    const running = this.running.get(execution.executionArn);
    if (execution.status === 'RUNNING' && running) running.stop(input.error, input.cause);
    return { stopDate: execution.stopDate ?? new Date() };
  }

  private historyOf(input: any) {
    const execution = this.execution(input.executionArn);
    const includeData = input.includeExecutionData !== false;
    let events = execution.history.map((event) => (includeData ? event : withoutData(event)));
    if (input.reverseOrder) events = [...events].reverse();
    const { items, nextToken } = page(events, input.maxResults, input.nextToken);
    return { events: items, nextToken };
  }

  /** Settles when every execution in progress has ended (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Stops every execution (the cloud is shutting down or being reset). */
  shutdown(): void {
    for (const running of this.running.values()) running.stop('Workshop.CloudStopped', 'The local cloud stopped while the execution ran.');
  }

  /** After a restart: executions that were running cannot be resumed; say so instead of leaving them RUNNING forever. */
  restored(): void {
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      execution.status = 'FAILED';
      execution.stopDate = new Date();
      execution.error = 'Workshop.CloudRestarted';
      execution.cause = 'The local cloud restarted while this execution ran; executions cannot be resumed after a restart. Start it again.';
      execution.history.push({
        timestamp: execution.stopDate,
        type: 'ExecutionFailed',
        id: execution.history.length + 1,
        previousEventId: execution.history.length,
        executionFailedEventDetails: { error: execution.error, cause: execution.cause },
      });
    }
  }
}

function token(input: any): string {
  const value = input.taskToken;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048)
    throw new AwsError('InvalidToken', 'Invalid Token: the task token is missing or malformed.');
  return value;
}

function page<T>(items: T[], maxResults: unknown, nextToken: unknown): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number(Buffer.from(String(nextToken), 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new AwsError('InvalidToken', 'Invalid Token: the nextToken is not one this API returned.');
  const size = Number(maxResults) > 0 ? Math.min(Number(maxResults), 1000) : PAGE_SIZE;
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}

function withoutData(event: ExecutionRecord['history'][number]) {
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith('EventDetails') || !value || typeof value !== 'object') continue;
    const { input: _input, output: _output, parameters: _parameters, ...rest } = value as Record<string, unknown>;
    copy[key] = rest;
  }
  return copy;
}
