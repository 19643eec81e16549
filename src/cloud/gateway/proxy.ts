import http from 'node:http';
import type http2 from 'node:http2';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'te',
  'trailer',
]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** What an observed proxied exchange reports once the emulator's answer has been streamed back. */
export interface ProxiedExchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The request body, when `captureRequest` asked for it. */
  requestBody?: Buffer;
  /** The answer's body, when `captureResponse` asked for it. */
  responseBody?: Buffer;
}

export interface ProxyObserver {
  captureRequest?: boolean;
  captureResponse?: boolean;
  /** Called after the whole answer went back to the client; not called when the emulator did not answer. */
  done(exchange: ProxiedExchange): void;
}

/** Streams a request to an emulator listening on an internal address and its answer back. */
export function proxy(
  target: URL,
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
): void {
  proxyObserved(target, req, res, undefined);
}

/**
 * `proxy`, reporting the emulator's status (and, if asked, copies of both bodies) once the
 * answer is streamed: services the gateway adds on top of an emulator (S3 event notifications)
 * act on what the emulator did.
 */
export function proxyObserved(
  target: URL,
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
  observer: ProxyObserver | undefined,
): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || HOP_BY_HOP.has(name)) continue;
    headers[name] = value;
  }
  // Keep the Host the client used: emulators build URLs (queue URLs) from it.
  headers.host = req.headers.host ?? (req.headers as Record<string, string>)[':authority'] ?? target.host;
  const requestChunks: Buffer[] | undefined = observer?.captureRequest ? [] : undefined;
  if (requestChunks) req.on('data', (chunk: Buffer) => requestChunks.push(chunk));
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
    (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
      (res as http.ServerResponse).writeHead(answer.statusCode ?? 502, out);
      if (observer) {
        const responseChunks: Buffer[] | undefined = observer.captureResponse ? [] : undefined;
        if (responseChunks) answer.on('data', (chunk: Buffer) => responseChunks.push(chunk));
        answer.on('end', () =>
          observer.done({
            status: answer.statusCode ?? 502,
            headers: answer.headers,
            requestBody: requestChunks && Buffer.concat(requestChunks),
            responseBody: responseChunks && Buffer.concat(responseChunks),
          }),
        );
      }
      answer.pipe(res as http.ServerResponse);
    },
  );
  upstream.on('error', (error) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    (res as http.ServerResponse).writeHead(502, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        __type: 'ServiceUnavailable',
        message: `The local cloud's emulator at ${target.host} did not answer: ${error.message}`,
      }),
    );
  });
  (req as http.IncomingMessage).pipe(upstream);
}
