import { EventEmitter } from 'node:events';
import type { Activity, ActivityFacts, ActivityType } from '../../shared/activity.ts';

export type { Activity, ActivityType } from '../../shared/activity.ts';
export { is, kindOf } from '../../shared/activity.ts';

/** The facts argument of `emit`: optional for kinds of activity that carry none. */
type FactsArgument<K extends ActivityType> =
  Record<string, never> extends ActivityFacts[K] ? [facts?: ActivityFacts[K]] : [facts: ActivityFacts[K]];

/**
 * The local cloud's activity stream: every movement of a message and every change of state, in
 * the vocabulary of `src/shared/activity.ts`. Not to be confused with EventBridge, which is one of
 * the services it reports on. The site's message-flow view, CloudWatch's metrics, the state file
 * and the tests read it.
 */
export class ActivityStream {
  private readonly emitter = new EventEmitter();
  private seq = 0;
  // A ring of the most recent activities: `next` is where the next one goes.
  private readonly recent: Activity[] = [];
  private next = 0;

  constructor(private readonly keep = 1_000) {
    this.emitter.setMaxListeners(0);
  }

  /** Records one activity of kind `kind` (`service.type`) on `resource`. */
  emit<K extends ActivityType>(kind: K, resource: string, ...[facts]: FactsArgument<K>): void {
    const dot = kind.indexOf('.');
    const activity = {
      seq: ++this.seq,
      time: Date.now(),
      service: kind.slice(0, dot),
      type: kind.slice(dot + 1),
      resource,
      detail: facts ?? {},
    } as Activity;
    this.recent[this.next] = activity;
    this.next = (this.next + 1) % this.keep;
    this.emitter.emit('activity', activity);
  }

  /** Calls `listener` for every activity from now on; returns the function that stops it. */
  subscribe(listener: (activity: Activity) => void): () => void {
    this.emitter.on('activity', listener);
    return () => this.emitter.off('activity', listener);
  }

  /** The most recent activities, oldest first. */
  history(): Activity[] {
    return [...this.recent.slice(this.next), ...this.recent.slice(0, this.next)];
  }
}
