import { type ActionTable, arn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { compileFilterPattern } from './filter-pattern.ts';

interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

interface LogStream {
  name: string;
  creationTime: number;
  events: LogEvent[];
}

interface LogGroup {
  name: string;
  arn: string;
  creationTime: number;
  retentionInDays?: number;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
}

const notFound = (message: string) => new AwsError('ResourceNotFoundException', message);
const PAGE = 1_000;

/** CloudWatch Logs: groups, streams, events; where Lambda functions' output lands. */
export class LogsService {
  readonly groups = new Map<string, LogGroup>();

  readonly actions: ActionTable = {
    CreateLogGroup: (input, context) => {
      if (this.groups.has(input.logGroupName))
        throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
      this.ensureGroup(input.logGroupName, context, input.tags);
      return {};
    },
    DeleteLogGroup: (input) => {
      if (!this.groups.delete(input.logGroupName)) throw notFound('The specified log group does not exist.');
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
      for (const event of input.logEvents ?? [])
        stream.events.push({ timestamp: event.timestamp, message: event.message, ingestionTime: now });
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
      if (!/^[\w\-/.#]{1,512}$/.test(name)) throw new AwsError('InvalidParameterException', `Invalid log group name ${name}`);
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
    for (const line of lines) stream.events.push({ ...line, ingestionTime: now });
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
