import http from 'node:http';
import type net from 'node:net';
import { Readable } from 'node:stream';
import { listen } from '../cloud/gateway/listener.ts';

/** A fetch-style handler; `info` says who is on the other end of the socket. */
export type FetchHandler = (request: Request, info: { remoteAddress?: string }) => Promise<Response>;

/**
 * Serves a fetch-style handler on a Node HTTP server at `host`. Closing it also ends open
 * connections (event streams would otherwise hold it open).
 */
export async function serveFetch(
  handler: FetchHandler,
  options: { port: number; host: string; what: string; portHint: string },
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(async (req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string]],
      ),
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: hasBody ? 'half' : undefined,
      signal: controller.signal,
    } as RequestInit);
    let response: Response;
    try {
      response = await handler(request, { remoteAddress: req.socket.remoteAddress });
    } catch (error) {
      response = new Response(JSON.stringify({ error: { code: 'InternalError', message: (error as Error).message } }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return res.end();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // client went away
    }
    res.end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const bound = await listen(server, options.port, options.host, options.what, options.portHint);
  return {
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Serves a fetch-style handler on a Node HTTP server bound to loopback. */
export function serveOnLoopback(
  handler: FetchHandler,
  port: number,
  portHint: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  return serveFetch(handler, { port, host: '127.0.0.1', what: 'lab API', portHint });
}
