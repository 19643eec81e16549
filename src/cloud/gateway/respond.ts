import type http from 'node:http';
import type { HttpResponse } from '../aws/http.ts';
import type { Req, Res } from '../service.ts';

/** Writes a whole answer. */
export function send(res: Res, answer: HttpResponse): void {
  (res as http.ServerResponse).writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** Reads a request's whole body. */
export function readBody(req: Req): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Calls `done` once the answer has gone out (the emulator has applied the request by then). */
export function afterAnswer(res: Res, done: () => void): void {
  res.once('finish', done);
}
