import { randomUUID } from 'node:crypto';
import type { ActivityStream } from '../../activity/stream.ts';
import { type ActionTable, arn, parseArn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { Delivery } from '../../delivery/delivery.ts';
import { FilterPatternError, matchPattern, type PatternNode, parseEventPattern } from '../../shared/filter/index.ts';
import { deeperThan } from '../../shared/json-depth.ts';
import { readPath, renderTemplate } from './input-transformer.ts';

// LIMITATIONS: event-pattern rules only (no schedules, archives, replays, API destinations);
// targets are Lambda functions, SQS queues and SNS topics.

export interface Target {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  SqsParameters?: { MessageGroupId?: string };
  /** The role EventBridge assumes to call the target (required for Step Functions targets). */
  RoleArn?: string;
}

export interface Rule {
  name: string;
  arn: string;
  busName: string;
  pattern: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  targets: Target[];
  tags?: Record<string, string>;
}

const notFound = (message: string) => new AwsError('ResourceNotFoundException', message);
const invalidPattern = (error: unknown) =>
  new AwsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${(error as Error).message}`);

// "The total entry size must be less than 256KB", an entry's size being its Time (14 bytes), Source,
// DetailType, Detail and Resources in UTF-8. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
const MAX_ENTRIES_SIZE = 262_144;
// "PutEvents will only process nested JSON up to 1100 levels deep."
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
const MAX_DETAIL_NESTING = 1_100;
// An event pattern is at most 2,048 characters, or 4,096 with a quota increase (the local cloud
// takes the larger). https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
const MAX_PATTERN_LENGTH = 4_096;

/** An entry's size as EventBridge counts it. */
function entrySize(entry: any): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  return (
    (entry?.Time !== undefined ? 14 : 0) +
    bytes(entry?.Source) +
    bytes(entry?.DetailType) +
    bytes(entry?.Detail) +
    (Array.isArray(entry?.Resources) ? entry.Resources.reduce((total: number, r: unknown) => total + bytes(r), 0) : 0)
  );
}

/** Parses an event pattern, refusing what EventBridge refuses. */
function compilePattern(pattern: unknown): PatternNode {
  if (typeof pattern === 'string' && pattern.length > MAX_PATTERN_LENGTH)
    throw invalidPattern(new Error(`the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`));
  try {
    return parseEventPattern(pattern as string);
  } catch (error) {
    if (error instanceof FilterPatternError || error instanceof SyntaxError) throw invalidPattern(error);
    throw error;
  }
}

/** Amazon EventBridge: buses, rules with event patterns, targets, PutEvents. */
export class EventBridgeService {
  readonly buses = new Map<string, { name: string; arn: string; tags?: Record<string, string> }>();
  readonly rules = new Map<string, Rule>();
  private readonly compiled = new Map<string, PatternNode>();

  constructor(
    private readonly activity: ActivityStream,
    private readonly delivery: Delivery,
  ) {}

  readonly actions: ActionTable = {
    CreateEventBus: (input, context) => {
      if (input.Name === 'default' || this.buses.has(this.busKey(input.Name, context)))
        throw new AwsError('ResourceAlreadyExistsException', `Event bus ${input.Name} already exists.`);
      if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(String(input.Name ?? '')))
        throw new AwsError('ValidationException', `Invalid event bus name ${input.Name}`);
      const bus = { name: input.Name, arn: arn('events', context, `event-bus/${input.Name}`) };
      this.buses.set(this.busKey(input.Name, context), bus);
      return { EventBusArn: bus.arn };
    },
    DeleteEventBus: (input, context) => {
      if (input.Name === 'default') throw new AwsError('ValidationException', 'Cannot delete event bus default.');
      this.buses.delete(this.busKey(input.Name, context));
      return {};
    },
    DescribeEventBus: (input, context) => {
      const bus = this.bus(input.Name, context);
      return { Name: bus.name, Arn: bus.arn };
    },
    ListEventBuses: (_input, context) => ({
      EventBuses: [this.bus('default', context), ...this.buses.values()].map((b) => ({ Name: b.name, Arn: b.arn })),
    }),
    PutRule: (input, context) => ({ RuleArn: this.putRule(input, context).arn }),
    DescribeRule: (input, context) => {
      const rule = this.rule(input.Name, input.EventBusName, context);
      return {
        Name: rule.name,
        Arn: rule.arn,
        EventPattern: rule.pattern,
        State: rule.state,
        Description: rule.description,
        EventBusName: rule.busName,
      };
    },
    ListRules: (input, context) => ({
      Rules: [...this.rules.values()]
        .filter(
          (r) =>
            r.busName === (this.busName(input.EventBusName) ?? 'default') &&
            r.arn.includes(`:${context.region}:`) &&
            (!input.NamePrefix || r.name.startsWith(input.NamePrefix)),
        )
        .map((r) => ({
          Name: r.name,
          Arn: r.arn,
          EventPattern: r.pattern,
          State: r.state,
          Description: r.description,
          EventBusName: r.busName,
        })),
    }),
    DeleteRule: (input, context) => {
      const rule = this.rules.get(this.ruleKey(input.Name, input.EventBusName, context));
      if (!rule) return {};
      if (rule.targets.length > 0) throw new AwsError('ValidationException', "Rule can't be deleted since it has targets.");
      this.rules.delete(this.ruleKey(input.Name, input.EventBusName, context));
      this.compiled.delete(rule.arn);
      return {};
    },
    EnableRule: (input, context) => {
      this.rule(input.Name, input.EventBusName, context).state = 'ENABLED';
      return {};
    },
    DisableRule: (input, context) => {
      this.rule(input.Name, input.EventBusName, context).state = 'DISABLED';
      return {};
    },
    PutTargets: (input, context) => this.putTargets(this.rule(input.Rule, input.EventBusName, context), input.Targets ?? []),
    ListTargetsByRule: (input, context) => ({ Targets: this.rule(input.Rule, input.EventBusName, context).targets }),
    RemoveTargets: (input, context) => {
      const rule = this.rule(input.Rule, input.EventBusName, context);
      rule.targets = rule.targets.filter((t) => !(input.Ids ?? []).includes(t.Id));
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    PutEvents: (input, context) => this.putEvents(input.Entries ?? [], context),
    TestEventPattern: (input) => {
      const pattern = compilePattern(input.EventPattern);
      let event: unknown;
      try {
        event = JSON.parse(String(input.Event));
      } catch {
        throw new AwsError('ValidationException', 'Parameter Event is not valid: it is not JSON.');
      }
      return { Result: matchPattern(pattern, event) };
    },
  };

  private busName(nameOrArn: string | undefined): string | undefined {
    return nameOrArn?.startsWith('arn:') ? nameOrArn.split('event-bus/')[1] : nameOrArn;
  }

  private busKey(name: string, context: Pick<RequestContext, 'region'>): string {
    return `${context.region}/${name}`;
  }

  private bus(nameOrArn: string | undefined, context: Pick<RequestContext, 'region' | 'accountId'>) {
    const name = this.busName(nameOrArn) ?? 'default';
    if (name === 'default') return { name: 'default', arn: arn('events', context, 'event-bus/default') };
    const bus = this.buses.get(this.busKey(name, context));
    if (!bus) throw notFound(`Event bus ${name} does not exist.`);
    return bus;
  }

  private ruleKey(name: string, busName: string | undefined, context: Pick<RequestContext, 'region'>): string {
    return `${context.region}/${this.busName(busName) ?? 'default'}/${name}`;
  }

  rule(name: string, busName: string | undefined, context: Pick<RequestContext, 'region'>): Rule {
    const rule = this.rules.get(this.ruleKey(name, busName, context));
    if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${this.busName(busName) ?? 'default'}.`);
    return rule;
  }

  putRule(input: any, context: RequestContext): Rule {
    const name = String(input.Name ?? '');
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) throw new AwsError('ValidationException', `Invalid rule name ${name}`);
    if (input.ScheduleExpression)
      throw new AwsError('ValidationException', 'The local cloud runs event-pattern rules only; ScheduleExpression is not supported.');
    if (!input.EventPattern)
      throw new AwsError('ValidationException', 'Parameter EventPattern is not valid: a rule needs an event pattern.');
    const bus = this.bus(input.EventBusName, context);
    const compiled = compilePattern(input.EventPattern);
    const key = this.ruleKey(name, bus.name, context);
    const existing = this.rules.get(key);
    const rule: Rule = {
      name,
      arn: arn('events', context, bus.name === 'default' ? `rule/${name}` : `rule/${bus.name}/${name}`),
      busName: bus.name,
      pattern: typeof input.EventPattern === 'string' ? input.EventPattern : JSON.stringify(input.EventPattern),
      state: input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      description: input.Description,
      targets: existing?.targets ?? [],
      tags: existing?.tags,
    };
    this.rules.set(key, rule);
    this.compiled.set(rule.arn, compiled);
    return rule;
  }

  putTargets(rule: Rule, targets: Target[]) {
    for (const target of targets) {
      const service = parseArn(target.Arn)?.service;
      if (!['lambda', 'sqs', 'sns', 'states'].includes(service ?? '') || (service === 'states' && !target.Arn.includes(':stateMachine:'))) {
        throw new AwsError(
          'ValidationException',
          `The local cloud sends events to Lambda functions, SQS queues, SNS topics and Step Functions state machines; target ${target.Arn} is not supported.`,
        );
      }
      // AWS calls Step Functions with a role the rule's target names; without one PutTargets fails.
      if (service === 'states' && !target.RoleArn)
        throw new AwsError('ValidationException', `RoleArn is required for target arn: ${target.Arn}.`);
      if ([target.Input, target.InputPath, target.InputTransformer].filter((x) => x !== undefined).length > 1) {
        throw new AwsError('ValidationException', `Target ${target.Id}: only one of Input, InputPath and InputTransformer may be set.`);
      }
      if (target.Input !== undefined) {
        try {
          JSON.parse(target.Input);
        } catch {
          throw new AwsError('ValidationException', `Target ${target.Id}: Input must be valid JSON.`);
        }
      }
      rule.targets = [...rule.targets.filter((t) => t.Id !== target.Id), target];
    }
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private async putEvents(entries: any[], context: RequestContext) {
    if (entries.length === 0 || entries.length > 10) throw new AwsError('ValidationException', 'PutEvents takes 1 to 10 entries.');
    if (entries.reduce((total, entry) => total + entrySize(entry), 0) > MAX_ENTRIES_SIZE)
      throw new AwsError('ValidationException', 'Total size of the entries in the request is over the limit (256 KB).');
    const results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] = [];
    for (const entry of entries) {
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
        results.push({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' });
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
        continue;
      }
      if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' });
        continue;
      }
      if (deeperThan(detail, MAX_DETAIL_NESTING)) {
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: `Detail is nested more than ${MAX_DETAIL_NESTING} levels deep.` });
        continue;
      }
      if (String(entry.Source).startsWith('aws.')) {
        results.push({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: `Not authorized for the source ${entry.Source}.` });
        continue;
      }
      let bus: { name: string; arn: string };
      try {
        bus = this.bus(entry.EventBusName, context);
      } catch (error) {
        results.push({ ErrorCode: 'ResourceNotFoundException', ErrorMessage: (error as Error).message });
        continue;
      }
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: context.accountId,
        time: (entry.Time ? new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time) : new Date())
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        region: context.region,
        resources: entry.Resources ?? [],
        detail,
      };
      results.push({ EventId: event.id });
      this.activity.emit('events.put-event', bus.arn, { eventId: event.id, source: event.source, detailType: event['detail-type'] });
      await this.route(bus.name, event, context);
    }
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  private async route(busName: string, event: Record<string, unknown> & { id: string }, context: RequestContext): Promise<void> {
    for (const rule of this.rules.values()) {
      if (rule.busName !== busName || rule.state !== 'ENABLED' || !rule.arn.includes(`:${context.region}:`)) continue;
      const pattern = this.compiled.get(rule.arn) ?? parseEventPattern(rule.pattern);
      if (!matchPattern(pattern, event)) continue;
      this.activity.emit('events.rule-matched', rule.arn, { eventId: event.id });
      await Promise.all(rule.targets.map((target) => this.deliver(rule, target, event)));
    }
  }

  private async deliver(rule: Rule, target: Target, event: Record<string, unknown> & { id: string }): Promise<void> {
    const detail = { eventId: event.id, targetId: target.Id, target: target.Arn };
    try {
      const payload =
        target.Input !== undefined
          ? JSON.parse(target.Input)
          : target.InputPath
            ? readPath(event, target.InputPath)
            : target.InputTransformer
              ? undefined
              : event;
      const text = target.InputTransformer
        ? renderTemplate(target.InputTransformer.InputTemplate, target.InputTransformer.InputPathsMap ?? {}, event, rule.arn)
        : JSON.stringify(payload);
      const service = parseArn(target.Arn)!.service;
      const principal = { service: 'events.amazonaws.com', sourceArn: rule.arn };
      const groupId = target.SqsParameters?.MessageGroupId;
      if (service === 'lambda')
        await this.delivery.invokeFunction(target.Arn, target.InputTransformer ? parseOrText(text) : payload, principal);
      else if (service === 'sqs')
        await this.delivery.sendToQueue(
          target.Arn,
          { body: text, fifo: groupId ? { groupId, dedupId: randomUUID() } : undefined },
          principal,
        );
      // EventBridge starts executions with the role the target names, which must allow it.
      else if (service === 'states')
        await this.delivery.startExecution(target.Arn, text, { ...principal, authority: { role: target.RoleArn! } });
      else await this.delivery.publishToTopic(target.Arn, { message: text }, principal);
      this.activity.emit('events.delivered', rule.arn, detail);
    } catch (error) {
      // AWS retries a failed target for up to 24 hours, then drops the event (or sends it to the
      // target's DLQ); the event stream says why it failed.
      this.activity.emit('events.delivery-failed', rule.arn, { ...detail, reason: (error as Error).message });
    }
  }

  /** Restores compiled patterns after the rules were loaded from saved state. */
  recompile(): void {
    this.compiled.clear();
    for (const rule of this.rules.values()) this.compiled.set(rule.arn, parseEventPattern(rule.pattern));
  }
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
