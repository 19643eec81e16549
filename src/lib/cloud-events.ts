import type { FlowEvent } from './flow.ts';

/**
 * Every event name the local cloud streams (`service.type`). Server-sent events with a name reach
 * only listeners of that name, so the page listens to each. When the cloud's events get one typed
 * table, this list should come from it.
 */
export const CLOUD_EVENT_NAMES = [
  'apigateway.request',
  'apigateway.integration-failed',
  'sns.published',
  'sns.delivered',
  'sns.filtered-out',
  'sns.delivery-failed',
  'sns.dead-lettered',
  'sns.delivery-retry',
  'sns.deduplicated',
  'sns.confirmation-sent',
  'sns.confirmation-failed',
  'sns.subscription-confirmed',
  'sns.subscribed',
  'sns.unsubscribed',
  'sns.topic-created',
  'sns.topic-deleted',
  'events.put-event',
  'events.rule-matched',
  'events.delivered',
  'events.delivery-failed',
  'lambda.invoked',
  'lambda.failed',
  'lambda.timed-out',
  'lambda.throttled',
  'lambda.async-retry',
  'lambda.async-dropped',
  'lambda.async-failed-to-destination',
  'lambda.destination-failed',
  'lambda.batch-failed',
  'lambda.batch-partially-failed',
  'lambda.batch-bisected',
  'lambda.batch-to-destination',
  'lambda.batch-discarded',
  'lambda.event-source-mapping-error',
  'lambda.function-created',
  'lambda.function-deleted',
  'lambda.function-updated',
  'sqs.redrive-started',
  'sqs.redrive-completed',
  'sqs.redrive-failed',
  'sqs.redrive-cancelled',
  's3.notified',
  's3.notification-failed',
  'states.execution-started',
  'states.state-entered',
  'states.state-exited',
  'states.state-retried',
  'states.state-caught',
  'states.task-failed',
  'states.execution-succeeded',
  'states.execution-failed',
  'states.execution-aborted',
  'states.execution-timed-out',
  'cloudformation.resource-status',
  'cloudwatch.alarm-state-changed',
  'workshop.reset',
] as const;

type Listener = (event: FlowEvent) => void;
type StatusListener = (connected: boolean) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<StatusListener>();
let source: EventSource | undefined;
let connected = false;

function open(): void {
  source = new EventSource('/api/events');
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
  const dispatch = (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as FlowEvent;
    for (const listener of listeners) listener(event);
  };
  for (const name of CLOUD_EVENT_NAMES) source.addEventListener(name, dispatch as EventListener);
}

function setConnected(value: boolean): void {
  connected = value;
  for (const listener of statusListeners) listener(value);
}

/**
 * Subscribes to the cloud's event stream, relayed by the lab API. Every widget on a page shares
 * one connection: browsers allow six per host over HTTP/1.1, and a page with several live widgets
 * would otherwise starve its own Deploy and Check requests. Returns the unsubscribe function.
 */
export function subscribeCloudEvents(listener: Listener, onStatus?: StatusListener): () => void {
  listeners.add(listener);
  if (onStatus) {
    statusListeners.add(onStatus);
    onStatus(connected);
  }
  if (!source) open();
  return () => {
    listeners.delete(listener);
    if (onStatus) statusListeners.delete(onStatus);
    if (listeners.size === 0 && source) {
      source.close();
      source = undefined;
      setConnected(false);
    }
  };
}
