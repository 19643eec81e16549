import type http from 'node:http';
import { AwsError } from '../../aws/errors.ts';
import { contextOf, type HttpRequest, type HttpResponse, jsonErrorAnswer } from '../../aws/http.ts';
import type { FauxqsSqsRouter } from '../../emulators/fauxqs.ts';
import { awsQueryErrorHeader } from './query-error-header.ts';

/** The headers of a request as an HTTP/1.1 server takes them: HTTP/2's pseudo-headers become Host. */
function plainHeaders(headers: HttpRequest['headers']): http.IncomingHttpHeaders {
  const out: http.IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':') && value !== undefined) out[name] = value;
  out.host ??= String(headers[':authority'] ?? 'localhost');
  return out;
}

/** fauxqs's answer: the HTTP response, and the answer's body as fauxqs gave it (undefined on a failure). */
export type FauxqsAnswer = HttpResponse & { result?: unknown };

/**
 * Runs one SQS action in fauxqs, in process, on an input the gateway has read, parsed and checked
 * (fauxqs's web server would only parse it again), and gives back its whole answer in AWS's
 * shape: the x-amzn-query-error header as AWS sends it, and a failure of fauxqs that is not one
 * of its SQS errors as an AWS InternalFailure.
 */
export async function callFauxqs(sqs: FauxqsSqsRouter, request: HttpRequest, input: Record<string, unknown>): Promise<FauxqsAnswer> {
  const { requestId } = contextOf(request);
  let status = 200;
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId };
  const reply = {
    status(code: number) {
      status = code;
      return reply;
    },
    header(name: string, value: string) {
      const key = name.toLowerCase();
      headers[key] = key === 'x-amzn-query-error' ? awsQueryErrorHeader(String(value)) : String(value);
      return reply;
    },
  };
  let result: unknown;
  try {
    result = await sqs.handle({ headers: plainHeaders(request.headers), body: input }, reply);
  } catch (error) {
    const message = String((error as Error)?.message ?? error).slice(0, 500);
    return jsonErrorAnswer(
      new AwsError('InternalFailure', `The local cloud's SQS failed on this request: ${message}`, 500, false),
      requestId,
      '1.0',
    );
  }
  return { status, headers, body: JSON.stringify(result ?? {}), result };
}
