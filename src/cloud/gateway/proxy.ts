import http from 'node:http';
import type http2 from 'node:http2';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings', 'te', 'trailer']);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Streams a request to an emulator listening on an internal address and its answer back. */
export function proxy(target: URL, req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || HOP_BY_HOP.has(name)) continue;
    headers[name] = value;
  }
  // Keep the Host the client used: emulators build URLs (queue URLs) from it.
  headers.host = req.headers.host ?? (req.headers as Record<string, string>)[':authority'] ?? target.host;
  const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
    const out: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
    (res as http.ServerResponse).writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res as http.ServerResponse);
  });
  upstream.on('error', (error) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    (res as http.ServerResponse).writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ __type: 'ServiceUnavailable', message: `The local cloud's emulator at ${target.host} did not answer: ${error.message}` }));
  });
  (req as http.IncomingMessage).pipe(upstream);
}
