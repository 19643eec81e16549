import type { ClassEvent } from './types.ts';

const encoder = new TextEncoder();
const MAX_QUEUED_EVENTS = 10_000;

/**
 * The dashboard's live stream as server-sent events: each client gets a snapshot when it
 * connects, then every change as it happens. A comment every `heartbeatMs` keeps proxies and
 * idle timeouts from closing the connection, and tells a client the server is still there.
 */
export class Broadcast {
  private readonly clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    this.heartbeat = setInterval(() => this.write(encoder.encode(': still here\n\n')), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** A response that streams events, starting with `first`, until the client goes away. */
  connect(first: () => ClassEvent, signal: AbortSignal): Response {
    let self: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        self = controller;
        controller.enqueue(frame(first()));
        this.clients.add(controller);
      },
      cancel: () => {
        this.clients.delete(self);
      },
    });
    signal.addEventListener('abort', () => this.drop(self), { once: true });
    return new Response(body, {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', 'x-accel-buffering': 'no' },
    });
  }

  send(event: ClassEvent): void {
    if (this.clients.size > 0) this.write(frame(event));
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of [...this.clients]) this.drop(client, true);
  }

  private write(bytes: Uint8Array): void {
    for (const client of [...this.clients]) {
      // A dashboard that stopped reading (a laptop asleep) must not make the server buffer forever.
      if ((client.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) {
        this.drop(client);
        continue;
      }
      try {
        client.enqueue(bytes);
      } catch {
        this.drop(client);
      }
    }
  }

  private drop(client: ReadableStreamDefaultController<Uint8Array>, end = false): void {
    if (!this.clients.delete(client)) return;
    try {
      if (end) client.close();
      else client.error(new Error('client went away'));
    } catch {
      // already closed
    }
  }
}

function frame(event: ClassEvent): Uint8Array {
  return encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}
