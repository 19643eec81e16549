import type { LabStatus } from '../engine/engine.ts';

// The lab API's contract is declared once, beside the engine that produces it. Type-only
// imports: nothing of the Node side enters the browser bundle.
import type { EngineEvent } from '../engine/events.ts';
import type { MetricSeriesRequest, MetricsAnswer, MetricsRequest } from '../engine/metrics.ts';
import { ndjsonSplitter } from './ndjson.ts';

/** What the lab API streams while it works. */
export type LabEvent = EngineEvent;
export type { LabStatus, MetricSeriesRequest, MetricsAnswer, MetricsRequest };

let health: Promise<boolean> | undefined;

/**
 * Whether a lab API is behind this site. A static build served by any web server has none:
 * the components then show the CLI command instead of a button.
 */
export function labApiAvailable(): Promise<boolean> {
  health ??= fetch('/api/health', { headers: { accept: 'application/json' } })
    .then(async (response) => response.ok && (await response.json()).ok === true)
    .catch(() => false);
  return health;
}

/** Calls an operation of the lab API and hands each streamed event to `onEvent` as it arrives. */
export async function streamOperation(path: string, body: object, onEvent: (event: LabEvent) => void, signal?: AbortSignal): Promise<void> {
  const response = await fetch(`/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) {
    let message = `The lab API answered ${response.status}.`;
    try {
      message = (await response.json()).error?.message ?? message;
    } catch {
      // keep the status line
    }
    onEvent({ type: 'done', ok: false, durationMs: 0, error: { code: String(response.status), message } });
    return;
  }
  const splitter = ndjsonSplitter<LabEvent>(onEvent);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    splitter.push(value);
  }
  splitter.end();
}

/** The deployed state of a lab. */
export async function labStatus(lab: string): Promise<LabStatus> {
  const response = await fetch(`/api/labs/${encodeURIComponent(lab)}/status`);
  if (!response.ok) throw new Error((await response.json()).error?.message ?? `status ${response.status}`);
  return response.json();
}

/** A refusal of the lab API: its message, and its code (`NotDeployed`, say) for the page to act on. */
export class LabApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Posts JSON to a lab API route that answers JSON; throws a LabApiError with the API's message when it refuses. */
async function postJson<T>(path: string, body: object = {}): Promise<T> {
  const response = await fetch(`/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new LabApiError(answer.error?.message ?? `The lab API answered ${response.status}.`, answer.error?.code);
  return answer as T;
}

/** Stops a snippet that runs until stopped (a worker); its own stream then shows it finishing. */
export function stopSnippet(lab: string, snippet: string): Promise<{ stopping: string }> {
  return postJson(`/labs/${encodeURIComponent(lab)}/stop/${encodeURIComponent(snippet)}`);
}

/** CloudWatch metrics of a lab's resources, as the lab API reads them with GetMetricData. */
export function labMetrics(lab: string, request: MetricsRequest): Promise<MetricsAnswer> {
  return postJson(`/labs/${encodeURIComponent(lab)}/metrics`, request);
}
