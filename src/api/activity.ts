import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Activity } from '../shared/activity.ts';

/** A streamed activity, read without narrowing its kind: the counter handles every kind alike. */
type CloudEvent = Pick<Activity, 'seq' | 'time' | 'resource'> & { service: string; type: string; detail: Record<string, unknown> };

/** How many times each kind of event happened to one resource, with a few sums (billed milliseconds). */
export type ResourceCounts = Record<string, number>;

/** Events that (re)create a resource: its counts start again from zero. */
const CREATED = new Set(['sns.topic-created', 'lambda.function-created', 'states.state-machine-created']);

/** The resource an event is counted against: a function without its qualifier, a machine for its executions, an API for its stages. */
export function countedResource(event: CloudEvent): string {
  if (event.service === 'lambda' && event.resource.startsWith('arn:')) return event.resource.split(':').slice(0, 7).join(':');
  if (event.service === 'states' && typeof event.detail.stateMachineArn === 'string') return event.detail.stateMachineArn;
  if (event.service === 'apigateway') return event.resource.split('/')[0];
  return event.resource;
}

/**
 * Adds one event to the counts of its resource. Besides `service.type`, it keeps what the cost of
 * the activity needs: SNS deliveries per protocol, Lambda's billed milliseconds (rounded up to
 * the next millisecond, as Lambda bills), and Step Functions execution time.
 */
export function countEvent(counts: Map<string, ResourceCounts>, event: CloudEvent, startedExecutions: Map<string, number>): void {
  const key = `${event.service}.${event.type}`;
  const resource = countedResource(event);
  if (CREATED.has(key)) {
    counts.delete(resource);
    return;
  }
  const c = counts.get(resource) ?? {};
  counts.set(resource, c);
  const add = (name: string, by = 1) => (c[name] = (c[name] ?? 0) + by);
  add(key);
  const d = event.detail;
  if (key === 'sns.delivered' && typeof d.protocol === 'string') add(`sns.delivered.${d.protocol}`);
  if (event.service === 'lambda' && ['invoked', 'failed', 'timed-out'].includes(event.type) && typeof d.durationMs === 'number')
    add('lambda.billedMs', Math.max(1, Math.ceil(d.durationMs)));
  if (key === 'states.execution-started') startedExecutions.set(event.resource, event.time);
  if (event.service === 'states' && /^execution-(succeeded|failed|aborted|timed-out)$/.test(event.type)) {
    const started = startedExecutions.get(event.resource);
    startedExecutions.delete(event.resource);
    if (started !== undefined) add('states.durationMs', Math.max(0, event.time - started));
  }
}

type SavedActivity = { version: 1; since: number; counts: Record<string, ResourceCounts> };

/**
 * Counts the local cloud's events per resource, from the moment the lab API starts, and keeps
 * the counts in `.workshop/` so a restart does not forget what the learner did. The cost panel
 * multiplies these counts by AWS's prices. It reads the cloud's public event stream, like the
 * page does; on AWS there is no such stream and the panel points at the bill instead.
 */
export class ActivityCounter {
  private counts = new Map<string, ResourceCounts>();
  private readonly executions = new Map<string, number>();
  private since = Date.now();
  private lastSeq: number | undefined;
  private controller: AbortController | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private connected = false;

  constructor(private readonly file: string) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedActivity;
      if (saved.version === 1) {
        this.counts = new Map(Object.entries(saved.counts));
        this.since = saved.since;
      }
    } catch {
      // nothing counted yet
    }
  }

  /** Whether the counter is reading the cloud's stream right now. */
  get live(): boolean {
    return this.connected;
  }

  /** Follows `endpoint`'s event stream until `stop`, reconnecting (and catching up by sequence number) when it drops. */
  start(endpoint: string): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    void (async () => {
      let delay = 250;
      while (!controller.signal.aborted) {
        try {
          await this.follow(endpoint, controller.signal);
          delay = 250;
        } catch {
          // the cloud is restarting or not up yet: try again shortly
        }
        this.connected = false;
        if (controller.signal.aborted) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    })();
  }

  private async follow(endpoint: string, signal: AbortSignal): Promise<void> {
    const since = this.lastSeq === undefined ? '' : `?since=${this.lastSeq}`;
    const response = await fetch(`${endpoint}/_workshop/events${since}`, { signal });
    if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
    this.connected = true;
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (data) this.add(JSON.parse(data.slice(6)) as CloudEvent);
        end = buffer.indexOf('\n\n');
      }
    }
  }

  /** Counts one event (the stream calls it; tests may too). */
  add(event: CloudEvent): void {
    // A restarted cloud numbers its events from 1 again.
    if (this.lastSeq !== undefined && event.seq <= this.lastSeq && event.seq > 1) return;
    this.lastSeq = event.seq;
    if (event.service === 'workshop' && event.type === 'reset') {
      this.reset();
      return;
    }
    countEvent(this.counts, event, this.executions);
    this.scheduleSave();
  }

  /** The counts of the given resources (ARNs, an API's id), since `since`. */
  of(resources: string[]): { since: number; counts: Record<string, ResourceCounts> } {
    return {
      since: this.since,
      counts: Object.fromEntries(resources.filter((r) => this.counts.has(r)).map((r) => [r, { ...this.counts.get(r)! }])),
    };
  }

  /** Forgets the counts of the given resources, or of everything. */
  reset(resources?: string[]): void {
    if (resources) for (const r of resources) this.counts.delete(r);
    else {
      this.counts.clear();
      this.since = Date.now();
    }
    this.scheduleSave();
  }

  private scheduleSave(): void {
    // Bursts of events are saved once, half a second after they stop arriving.
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), 500);
    this.saveTimer.unref();
  }

  private save(): void {
    const saved: SavedActivity = { version: 1, since: this.since, counts: Object.fromEntries(this.counts) };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.tmp`, JSON.stringify(saved));
      renameSync(`${this.file}.tmp`, this.file);
    } catch {
      // The counts stay in memory; the next save tries again.
    }
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    clearTimeout(this.saveTimer);
    this.save();
  }
}
