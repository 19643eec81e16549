import { EventEmitter } from 'node:events';

/**
 * One movement of a message or a change of state inside the local cloud. The shape is stable:
 * the site's message-flow view and the tests read it from the event stream.
 */
export interface CloudEvent {
  /** Increasing sequence number within this run of the cloud. */
  seq: number;
  /** Epoch milliseconds. */
  time: number;
  service: string;
  /** What happened: published, filtered-out, delivered, delivery-failed, invoked, failed, … */
  type: string;
  /** The ARN or name of the resource it happened to. */
  resource: string;
  /** Event-specific facts (message id, subscription, reason, duration…). */
  detail: Record<string, unknown>;
}

/** The single internal stream of cloud events. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private seq = 0;
  private readonly recent: CloudEvent[] = [];

  constructor(private readonly keep = 1_000) {
    this.emitter.setMaxListeners(0);
  }

  emit(service: string, type: string, resource: string, detail: Record<string, unknown> = {}): void {
    const event: CloudEvent = { seq: ++this.seq, time: Date.now(), service, type, resource, detail };
    this.recent.push(event);
    if (this.recent.length > this.keep) this.recent.shift();
    this.emitter.emit('event', event);
  }

  /** Calls `listener` for every event from now on; returns the function that stops it. */
  subscribe(listener: (event: CloudEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** The most recent events, oldest first. */
  history(): CloudEvent[] {
    return [...this.recent];
  }
}
