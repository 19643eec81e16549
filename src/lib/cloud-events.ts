import { ACTIVITY } from '../shared/activity.ts';
import type { FlowEvent } from './flow.ts';

/**
 * Every event name the local cloud streams (`service.type`), from the one typed table of activity
 * types. Server-sent events with a name reach only listeners of that name, so the page listens to
 * each.
 */
export const CLOUD_EVENT_NAMES: readonly string[] = Object.keys(ACTIVITY);

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
