import type { EngineEvent, Report } from '../engine/events.ts';

/**
 * Streams an engine operation as newline-delimited JSON, one event per line, as it happens.
 * The operation is aborted when the client goes away.
 */
export function ndjsonStream(operation: (report: Report, signal: AbortSignal) => Promise<unknown>, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  const controller = new AbortController();
  signal.addEventListener('abort', () => controller.abort(), { once: true });
  const body = new ReadableStream<Uint8Array>({
    async start(stream) {
      const report = (event: EngineEvent) => {
        if (!controller.signal.aborted) stream.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      };
      try {
        await operation(report, controller.signal);
      } finally {
        if (!controller.signal.aborted) stream.close();
      }
    },
    cancel() {
      controller.abort();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
