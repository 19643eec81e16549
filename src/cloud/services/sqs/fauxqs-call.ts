import type http from 'node:http';
import inject from 'light-my-request';
import { AwsError } from '../../aws/errors.ts';
import { contextOf, type HttpRequest, type HttpResponse, jsonErrorAnswer } from '../../aws/http.ts';
import { awsQueryErrorHeader } from './query-error-header.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The headers of a request as an HTTP/1.1 server takes them: HTTP/2's pseudo-headers become Host. */
function plainHeaders(headers: HttpRequest['headers']): http.IncomingHttpHeaders {
  const out: http.IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':') && value !== undefined) out[name] = value;
  out.host ??= String(headers[':authority'] ?? 'localhost');
  delete out['content-length'];
  return out;
}

/**
 * Calls fauxqs's own request handler in process (no socket; the SQS send path is benchmarked)
 * with a request whose body was read and checked, and gives back its whole answer in AWS's shape:
 * the x-amzn-query-error header as AWS sends it, and an error of fauxqs's web framework (its own
 * JSON, not AWS's) as an AWS JSON error.
 */
export async function callFauxqs(handle: Handler, request: HttpRequest): Promise<HttpResponse> {
  const response = await inject(handle as never, {
    method: request.method as 'POST',
    url: request.url,
    headers: plainHeaders(request.headers),
    payload: request.body,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || name === 'content-length' || name === 'transfer-encoding' || name === 'connection') continue;
    headers[name] = name === 'x-amzn-query-error' ? awsQueryErrorHeader(String(value)) : String(value);
  }
  const body = response.rawPayload;
  if (response.statusCode >= 400 && !String(headers['content-type']).startsWith('application/x-amz-json')) {
    let message = body.toString('utf8').slice(0, 500);
    try {
      message = JSON.parse(message).message ?? message;
    } catch {
      // not JSON: the text itself
    }
    const error =
      response.statusCode >= 500
        ? new AwsError('InternalFailure', `The local cloud's SQS failed on this request: ${message}`, 500, false)
        : new AwsError('InvalidParameterValue', message, response.statusCode);
    return jsonErrorAnswer(error, contextOf(request).requestId, '1.0');
  }
  return { status: response.statusCode, headers, body };
}
