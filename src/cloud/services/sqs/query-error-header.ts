import type http from 'node:http';
import { QUERY_ERROR_CODES } from './query-shapes.ts';

const PREFIX = 'AWS.SimpleQueueService.';
const PREFIXED = new Set(Object.values(QUERY_ERROR_CODES).filter((code) => code.startsWith(PREFIX)));

/**
 * The `x-amzn-query-error` header as AWS sends it with SQS's JSON protocol: clients that once
 * spoke the query protocol (botocore, the AWS CLI) take the error code from it. fauxqs prefixes
 * every code with `AWS.SimpleQueueService.`; AWS does so only for some (NonExistentQueue yes,
 * QueueAlreadyExists and InvalidParameterValue no).
 */
export function awsQueryErrorHeader(value: string): string {
  const [code, fault = 'Sender'] = value.split(';');
  const bare = code.startsWith(PREFIX) ? code.slice(PREFIX.length) : code;
  const mapped = QUERY_ERROR_CODES[bare] ?? (PREFIXED.has(`${PREFIX}${bare}`) ? `${PREFIX}${bare}` : bare);
  return `${mapped};${fault}`;
}

/** Makes `res` send AWS's x-amzn-query-error header, however the emulator sets it. */
export function withAwsQueryErrors(res: http.ServerResponse): http.ServerResponse {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) =>
    setHeader(name, String(name).toLowerCase() === 'x-amzn-query-error' ? awsQueryErrorHeader(String(value)) : value);
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((arg) => arg && typeof arg === 'object') as Record<string, unknown> | undefined;
    for (const name of Object.keys(headers ?? {})) {
      if (name.toLowerCase() === 'x-amzn-query-error') headers![name] = awsQueryErrorHeader(String(headers![name]));
    }
    return writeHead(status, ...rest);
  }) as http.ServerResponse['writeHead'];
  return res;
}
