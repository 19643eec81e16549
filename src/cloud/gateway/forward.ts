import http from 'node:http';
import type { HttpRequest, HttpResponse } from '../aws/http.ts';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Sends a request the gateway composed itself (for instance an SQS JSON call translated from the
 * query protocol) to an emulator on an internal address, and reads its whole answer.
 */
export function forward(target: URL, request: HttpRequest): Promise<HttpResponse> {
  const headers: http.OutgoingHttpHeaders = { 'content-length': request.body.length };
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = value;
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers, agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(answer.headers)) if (typeof value === 'string') out[name] = value;
          resolve({ status: answer.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
      },
    );
    upstream.on('error', (error) => reject(new Error(`The local cloud's emulator at ${target.host} did not answer: ${error.message}`)));
    upstream.end(request.body);
  });
}
