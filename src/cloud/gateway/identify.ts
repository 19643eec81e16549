import type { IncomingHttpHeaders } from 'node:http';

/** The service a request is for and the region it was signed for. */
export interface Identity {
  service?: string;
  region?: string;
}

// JSON-protocol services name themselves in X-Amz-Target; used when a request is not signed.
const TARGET_PREFIXES: Record<string, string> = {
  DynamoDB_20120810: 'dynamodb',
  AmazonSQS: 'sqs',
  Logs_20140328: 'logs',
  AmazonSSM: 'ssm',
  AWSStepFunctions: 'states',
  AWSEvents: 'events',
  Kinesis_20131202: 'kinesis',
};

const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * Tells which AWS service a request is for, as AWS's own front door does: by the service named
 * in the SigV4 credential scope (header or presigned query), then by `X-Amz-Target`.
 */
export function identify(headers: IncomingHttpHeaders, url: string): Identity {
  const authorization = headers.authorization;
  const scope = authorization ? CREDENTIAL_SCOPE.exec(authorization) : undefined;
  if (scope) return { region: scope[1], service: scope[2] };
  const query = url.indexOf('?');
  if (query >= 0) {
    const credential = new URLSearchParams(url.slice(query + 1)).get('X-Amz-Credential');
    const parts = credential?.split('/');
    if (parts && parts.length >= 5) return { region: parts[2], service: parts[3] };
  }
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const service = TARGET_PREFIXES[target.split('.')[0]];
    if (service) return { service };
  }
  return {};
}
