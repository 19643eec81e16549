import type { IncomingHttpHeaders } from 'node:http';

/** The service a request is for and the region it was signed for. */
export interface Identity {
  service?: string;
  region?: string;
  /** An unsigned visit of a link AWS serves without credentials (SNS's SubscribeURL, UnsubscribeURL). */
  link?: boolean;
}

// The SNS actions whose links SNS puts in the messages it sends; AWS answers them unsigned.
const SNS_LINK_ACTIONS = new Set(['ConfirmSubscription', 'Unsubscribe']);

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
  const params = query >= 0 ? new URLSearchParams(url.slice(query + 1)) : undefined;
  const parts = params?.get('X-Amz-Credential')?.split('/');
  if (parts && parts.length >= 5) return { region: parts[2], service: parts[3] };
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const service = TARGET_PREFIXES[target.split('.')[0]];
    if (service) return { service };
  }
  if (!authorization && SNS_LINK_ACTIONS.has(params?.get('Action') ?? '')) return { service: 'sns', link: true };
  return {};
}
