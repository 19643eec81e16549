import type http from 'node:http';
import type { HttpResponse } from '../aws/http.ts';
import type { Req, Res } from '../service.ts';

/** Writes a whole answer. */
export function send(res: Res, answer: HttpResponse): void {
  (res as http.ServerResponse).writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** A request body over the service's limit: refused, and not read any further. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than the ${limit.toLocaleString('en-US')} bytes this service accepts.`);
  }
}

/** The body size a request declares (Content-Length), if it declares one. */
export function declaredLength(req: Req): number | undefined {
  const value = req.headers['content-length'];
  return value === undefined ? undefined : Number(value);
}

/**
 * Reads a request's whole body, up to `limit` bytes: a body that declares more is refused before
 * a byte is read, one that turns out longer as soon as it passes the limit (what was read is let go).
 */
export function readBody(req: Req, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  if ((declaredLength(req) ?? 0) > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks = [];
      req.off('data', onData);
      req.resume();
      reject(new BodyTooLarge(limit));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Calls `done` once the answer has gone out (the emulator has applied the request by then). */
export function afterAnswer(res: Res, done: () => void): void {
  res.once('finish', done);
}
