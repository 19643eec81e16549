import { type ActionTable, arn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { type Ledger, UnsavedLedger } from '../../persistence/ledger.ts';
import { compileFilterPattern } from './filter-pattern.ts';

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogStream {
  name: string;
  creationTime: number;
  events: LogEvent[];
}

export interface LogGroup {
  name: string;
  arn: string;
  creationTime: number;
  retentionInDays?: number;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
}

const notFound = (message: string) => new AwsError('ResourceNotFoundException', message);
const PAGE = 1_000;

/** The prefix of a group's events in the ledger: its name and creation time (a group made again under the same name starts empty). */
const groupKey = (group: Pick<LogGroup, 'name' | 'creationTime'>) => `${group.name}\u0001${group.creationTime}\u0000`;

/**
 * CloudWatch Logs: groups, streams, events; where Lambda functions' output lands. Groups and
 * streams are kept in the snapshot; events, which only ever grow, line by line in a ledger.
 */
export class LogsService {
  readonly groups = new Map<string, LogGroup>();

  constructor(private readonly events: Ledger<LogEvent> = new UnsavedLedger()) {}

  /** Groups and streams without their events (they are in the ledger), for the snapshot. */
  snapshot(): Map<string, LogGroup> {
    return new Map(
      [...this.groups].map(([name, group]) => [
        name,
        { ...group, streams: new Map([...group.streams].map(([streamName, stream]) => [streamName, { ...stream, events: [] }])) },
      ]),
    );
  }

  /** Takes back groups and streams, then the events the ledger kept (and drops those of groups gone since). */
  restore(groups: ReadonlyMap<string, LogGroup> | undefined): void {
    this.groups.clear();
    for (const [name, group] of groups ?? []) {
      this.groups.set(name, group);
      // A state file of an earlier version kept the events in the streams: they move to the ledger.
      for (const stream of group.streams.values()) {
        const kept = stream.events;
        stream.events = [];
        this.push(group, stream, kept);
      }
    }
    const orphans = new Set<string>();
    for (const [id, event] of this.events.saved()) {
      // <group>\u0001<created>\u0000<stream>\u0000<sequence>
      const key = id.slice(0, id.indexOf('\u0000'));
      const streamName = id.slice(key.length + 1, id.lastIndexOf('\u0000'));
      const [groupName, created] = key.split('\u0001');
      const group = this.groups.get(groupName);
      const stream = group && String(group.creationTime) === created ? group.streams.get(streamName) : undefined;
      if (stream) stream.events.push(event);
      else orphans.add(`${key}\u0000`);
    }
    for (const prefix of orphans) this.events.deletePrefix(prefix);
  }

  /** Deletes a group with its streams and events; false when there is none. */
  deleteGroup(name: string): boolean {
    const group = this.groups.get(name);
    if (!group) return false;
    this.groups.delete(name);
    this.events.deletePrefix(groupKey(group));
    return true;
  }

  /** Forgets every group (reset). */
  clear(): void {
    this.groups.clear();
    this.events.clear();
  }

  /** Adds events to a stream, and to the ledger. */
  private push(group: LogGroup, stream: LogStream, events: LogEvent[]): void {
    for (const event of events) {
      this.events.put(`${groupKey(group)}${stream.name}\u0000${String(stream.events.length).padStart(12, '0')}`, event);
      stream.events.push(event);
    }
  }

  readonly actions: ActionTable = {
    CreateLogGroup: (input, context) => {
      if (this.groups.has(input.logGroupName))
        throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
      this.ensureGroup(input.logGroupName, context, input.tags);
      return {};
    },
    DeleteLogGroup: (input) => {
      if (!this.deleteGroup(input.logGroupName)) throw notFound('The specified log group does not exist.');
      return {};
    },
    DescribeLogGroups: (input) => ({
      logGroups: [...this.groups.values()]
        .filter((g) => !input.logGroupNamePrefix || g.name.startsWith(input.logGroupNamePrefix))
        .map((g) => ({
          logGroupName: g.name,
          arn: `${g.arn}:*`,
          logGroupArn: g.arn,
          creationTime: g.creationTime,
          retentionInDays: g.retentionInDays,
          storedBytes: 0,
        })),
    }),
    PutRetentionPolicy: (input) => {
      this.group(input.logGroupName).retentionInDays = input.retentionInDays;
      return {};
    },
    DeleteRetentionPolicy: (input) => {
      delete this.group(input.logGroupName).retentionInDays;
      return {};
    },
    CreateLogStream: (input) => {
      const group = this.group(input.logGroupName);
      if (group.streams.has(input.logStreamName))
        throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      group.streams.set(input.logStreamName, { name: input.logStreamName, creationTime: Date.now(), events: [] });
      return {};
    },
    DescribeLogStreams: (input) => {
      const streams = [...this.group(input.logGroupName).streams.values()].filter(
        (s) => !input.logStreamNamePrefix || s.name.startsWith(input.logStreamNamePrefix),
      );
      if (input.orderBy === 'LastEventTime') streams.sort((a, b) => (a.events.at(-1)?.timestamp ?? 0) - (b.events.at(-1)?.timestamp ?? 0));
      if (input.descending) streams.reverse();
      return {
        logStreams: streams.slice(0, input.limit ?? 50).map((s) => ({
          logStreamName: s.name,
          creationTime: s.creationTime,
          firstEventTimestamp: s.events[0]?.timestamp,
          lastEventTimestamp: s.events.at(-1)?.timestamp,
          lastIngestionTime: s.events.at(-1)?.ingestionTime,
          storedBytes: 0,
        })),
      };
    },
    PutLogEvents: (input) => {
      const group = this.group(input.logGroupName);
      const stream = group.streams.get(input.logStreamName);
      if (!stream) throw notFound('The specified log stream does not exist.');
      const now = Date.now();
      this.push(
        group,
        stream,
        (input.logEvents ?? []).map((event: LogEvent) => ({ timestamp: event.timestamp, message: event.message, ingestionTime: now })),
      );
      return { nextSequenceToken: String(stream.events.length) };
    },
    GetLogEvents: (input) => {
      const stream = this.group(input.logGroupName).streams.get(input.logStreamName);
      if (!stream) throw notFound('The specified log stream does not exist.');
      const events = stream.events.filter(
        (e) =>
          (input.startTime === undefined || e.timestamp >= input.startTime) && (input.endTime === undefined || e.timestamp < input.endTime),
      );
      const limit = Math.min(input.limit ?? 10_000, 10_000);
      const page = input.startFromHead ? events.slice(0, limit) : events.slice(-limit);
      return { events: page, nextForwardToken: `f/${events.length}`, nextBackwardToken: 'b/0' };
    },
    FilterLogEvents: (input) => this.filterLogEvents(input),
    TagResource: (input) => {
      Object.assign(this.groupByArn(input.resourceArn).tags, input.tags);
      return {};
    },
    ListTagsForResource: (input) => ({ tags: this.groupByArn(input.resourceArn).tags }),
    ListTagsLogGroup: (input) => ({ tags: this.group(input.logGroupName).tags }),
  };

  /** Creates a log group unless it exists (Lambda does this on a function's first output). */
  ensureGroup(name: string, context: Pick<RequestContext, 'region' | 'accountId'>, tags: Record<string, string> = {}): LogGroup {
    let group = this.groups.get(name);
    if (!group) {
      if (typeof name !== 'string' || !/^[\w\-/.#]{1,512}$/.test(name))
        throw new AwsError('InvalidParameterException', `Invalid log group name ${String(name).slice(0, 600)}`);
      group = { name, arn: arn('logs', context, `log-group:${name}`), creationTime: Date.now(), tags: { ...tags }, streams: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Appends lines to a stream, creating group and stream as needed. */
  append(
    groupName: string,
    streamName: string,
    context: Pick<RequestContext, 'region' | 'accountId'>,
    lines: { timestamp: number; message: string }[],
  ): void {
    const group = this.ensureGroup(groupName, context);
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = { name: streamName, creationTime: Date.now(), events: [] };
      group.streams.set(streamName, stream);
    }
    const now = Date.now();
    this.push(
      group,
      stream,
      lines.map((line) => ({ ...line, ingestionTime: now })),
    );
  }

  private group(name: string): LogGroup {
    const group = this.groups.get(name);
    if (!group) throw notFound('The specified log group does not exist.');
    return group;
  }

  private groupByArn(resourceArn: string): LogGroup {
    const group = [...this.groups.values()].find((g) => g.arn === resourceArn || `${g.arn}:*` === resourceArn);
    if (!group) throw notFound('The specified log group does not exist.');
    return group;
  }

  private filterLogEvents(input: any) {
    const group = this.group(input.logGroupName ?? String(input.logGroupIdentifier ?? '').replace(/^arn:.*:log-group:/, ''));
    const matches = compileFilterPattern(input.filterPattern);
    const names: string[] | undefined = input.logStreamNames;
    const all: (LogEvent & { logStreamName: string; eventId: string })[] = [];
    for (const stream of group.streams.values()) {
      if (names && !names.includes(stream.name)) continue;
      if (input.logStreamNamePrefix && !stream.name.startsWith(input.logStreamNamePrefix)) continue;
      stream.events.forEach((event, index) => {
        if (input.startTime !== undefined && event.timestamp < input.startTime) return;
        if (input.endTime !== undefined && event.timestamp > input.endTime) return;
        if (matches(event.message)) all.push({ ...event, logStreamName: stream.name, eventId: `${stream.name}/${index}` });
      });
    }
    all.sort((a, b) => a.timestamp - b.timestamp);
    const offset = input.nextToken ? Number(input.nextToken) : 0;
    const limit = Math.min(input.limit ?? PAGE, 10_000);
    const page = all.slice(offset, offset + limit);
    return {
      events: page,
      searchedLogStreams: [...group.streams.keys()].map((logStreamName) => ({ logStreamName, searchedCompletely: true })),
      ...(offset + limit < all.length ? { nextToken: String(offset + limit) } : {}),
    };
  }
}
