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
  /** The most the request body may carry; past it the exchange is cut and refused with `tooLarge`. */
  maxBytes?: number;
  /** The answer to a body past `maxBytes`. */
  tooLarge?: () => { status: number; headers: Record<string, string>; body: string };
  /**
   * Rewrites an error the emulator answered in a format of its own (fauxqs's web framework
   * answers its failures in JSON): given the status and body, the answer to send instead.
   */
  foreignError?: (status: number, body: Buffer) => { status: number; headers: Record<string, string>; body: string };
  captureRequest?: boolean;
  captureResponse?: boolean;
  /** Called after the whole answer went back to the client; not called when the emulator did not answer. */
  done?(exchange: ProxiedExchange): void;
}

/**
 * Streams a request to an emulator listening on an internal address and its answer back,
 * reporting the emulator's status (and, if asked, copies of both bodies) once the answer is
 * streamed: services the gateway adds on top of an emulator (S3 event notifications) act on what
 * the emulator did. A body longer than `maxBytes` is cut off and refused, however it is sent.
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
  let received = 0;
  let refused = false;
  if (observer?.maxBytes !== undefined) {
    const limit = observer.maxBytes;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit || refused) return;
      refused = true;
      (req as http.IncomingMessage).unpipe();
      upstream.destroy();
      if (!res.headersSent && observer.tooLarge) {
        const answer = observer.tooLarge();
        (res as http.ServerResponse).writeHead(answer.status, answer.headers);
        res.end(answer.body);
        res.once('finish', () => req.destroy());
      } else res.destroy();
    });
  }
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
    (answer) => {
      const status = answer.statusCode ?? 502;
      if (observer?.foreignError && status >= 400 && String(answer.headers['content-type'] ?? '').startsWith('application/json')) {
        const rewrite = observer.foreignError;
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const replaced = rewrite(status, Buffer.concat(chunks));
          (res as http.ServerResponse).writeHead(replaced.status, replaced.headers);
          res.end(replaced.body);
        });
        return;
      }
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
      (res as http.ServerResponse).writeHead(status, out);
      if (observer?.done) {
        const done = observer.done;
        const responseChunks: Buffer[] | undefined = observer.captureResponse ? [] : undefined;
        if (responseChunks) answer.on('data', (chunk: Buffer) => responseChunks.push(chunk));
        answer.on('end', () =>
          done({
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
    if (refused) return;
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
