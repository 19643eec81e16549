import { labContext } from './context.ts';
import { awsEndpointOverride, type Target } from './target.ts';

const EXECUTE_API = /^https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?::443)?\/([^/]+)(\/.*)?$/;

/**
 * The URL at which an API Gateway invoke URL (as CloudFormation outputs it) answers on `target`.
 * AWS: the URL itself. Other endpoints (and AWS_ENDPOINT_URL on the aws target) have no per-API
 * DNS name, so they serve the API under the path convention AWS-compatible emulators share:
 * `<endpoint>/restapis/<id>/<stage>/_user_request_/<path>`.
 */
export function invokeUrlOn(target: Target, url: string): string {
  // The aws target sent elsewhere with AWS_ENDPOINT_URL serves its APIs there too.
  const endpoint = target.kind === 'aws' ? awsEndpointOverride('API_GATEWAY') : target.endpoint;
  const match = EXECUTE_API.exec(url);
  if (!endpoint || !match) return url;
  const [, apiId, stage, path = '/'] = match;
  return `${endpoint.replace(/\/$/, '')}/restapis/${apiId}/${stage}/_user_request_${path}`;
}

/** Calls an API Gateway URL of the current lab and returns status and parsed body. */
export async function callApi(
  url: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const { target, signal } = labContext();
  const response = await fetch(invokeUrlOn(target, url), {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body, text };
}
