import type http from 'node:http';
import type http2 from 'node:http2';
import type { Activity, ActivityStream } from '../activity/stream.ts';
import type { CloudMemory } from '../memory.ts';
import { SIGNING_KEY_PEM } from '../services/sns/envelope.ts';

type Res = http.ServerResponse | http2.Http2ServerResponse;

export interface Reserved {
  /** The names of the services served (the registry's). */
  services: string[];
  activity: ActivityStream;
  reset(): Promise<void>;
  /** The cloud's memory, Lambda environments included. */
  memory(): Promise<CloudMemory>;
}

/**
 * The one path outside the AWS APIs: `/_workshop/health` (with the cloud's memory), `/_workshop/reset` (POST: empty
 * everything), `/_workshop/events` (server-sent events of the activity stream: every message
 * movement) and the SNS signing key.
 */
export async function serveReserved(
  url: string,
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: Res,
  { services, activity, reset, memory }: Reserved,
): Promise<void> {
  const path = url.split('?')[0];
  const json = (status: number, body: unknown) => {
    (res as http.ServerResponse).writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (path === '/_workshop/health' && req.method === 'GET') {
    return json(200, { status: 'ok', services: [...services].sort(), memory: await memory() });
  }
  if (path === '/_workshop/reset' && req.method === 'POST') {
    await reset();
    return json(200, { status: 'reset' });
  }
  if (path === '/_workshop/sns/signing-key.pem') {
    (res as http.ServerResponse).writeHead(200, { 'content-type': 'application/x-pem-file' });
    res.end(SIGNING_KEY_PEM);
    return;
  }
  if (path === '/_workshop/events' && req.method === 'GET') {
    (res as http.ServerResponse).writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    const stream = res as http.ServerResponse;
    stream.write(': connected\n\n'); // sends the headers now, so clients see the stream open
    const write = (event: Activity) =>
      stream.write(`id: ${event.seq}\nevent: ${event.service}.${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    const since = Number(new URL(url, 'http://x').searchParams.get('since') ?? Number.NaN);
    if (!Number.isNaN(since)) for (const event of activity.history()) if (event.seq > since) write(event);
    const stop = activity.subscribe(write);
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      stop();
      clearInterval(keepAlive);
    });
    return;
  }
  json(404, { __type: 'NotFound', message: `No such path under /_workshop/: ${path}` });
}
