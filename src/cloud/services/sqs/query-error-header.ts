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
