import http from 'node:http';
import { AwsError } from '../aws/errors.ts';
import { contextOf, type HttpRequest, type HttpResponse, jsonErrorAnswer } from '../aws/http.ts';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
// Headers that belong to one connection (or to HTTP/2's framing), not to the request.
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

/** An emulator the gateway forwards to, and what to do when it does not answer in time. */
export interface EmulatorTarget {
  url: URL;
  /** It took longer than any request can: it is ended and started again. */
  stall(reason: string): void;
}

/** Longer than any request to DynamoDB or Kinesis takes (ReceiveMessage-like long polls are SQS's, not theirs). */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Sends a request whose body was read (and checked) to an emulator on an internal address, and
 * reads its whole answer. The Host the client used is kept (emulators build URLs from it). When
 * the emulator does not answer (it failed and is being started again, or took longer than
 * ANSWER_TIMEOUT_MS and is ended for it) the answer is AWS's ServiceUnavailable, which SDKs retry.
 */
export async function forwardToEmulator(emulator: EmulatorTarget, service: string, request: HttpRequest): Promise<HttpResponse> {
  const target = emulator.url;
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name.startsWith(':') || HOP_BY_HOP.has(name)) continue;
    headers[name] = value;
  }
  headers.host = String(request.headers.host ?? request.headers[':authority'] ?? target.host);
  headers['content-length'] = request.body.length;
  try {
    return await new Promise<HttpResponse>((resolve, reject) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers, agent },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(answer.headers))
              if (typeof value === 'string' && !HOP_BY_HOP.has(name) && name !== 'content-length') out[name] = value;
            resolve({ status: answer.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
          });
        },
      );
      upstream.setTimeout(ANSWER_TIMEOUT_MS, () => {
        emulator.stall(`a request took longer than ${ANSWER_TIMEOUT_MS / 1000} s`);
        upstream.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`));
      });
      upstream.on('error', reject);
      upstream.end(request.body);
    });
  } catch (error) {
    return jsonErrorAnswer(
      new AwsError(
        'ServiceUnavailable',
        `The local ${service} emulator did not answer (${(error as Error).message}); try again.`,
        503,
        false,
      ),
      contextOf(request).requestId,
    );
  }
}
