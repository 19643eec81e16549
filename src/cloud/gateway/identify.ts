import type { IncomingHttpHeaders } from 'node:http';

/** The service a request is for and the region it was signed for. */
export interface Identity {
  service?: string;
  region?: string;
}

const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * Tells which AWS service a request is for, as AWS's own front door does: by the service named
 * in the SigV4 credential scope (header or presigned query), then by `X-Amz-Target`, whose prefix
 * names a JSON-protocol service (`targetPrefixes`, from the services' declarations).
 */
export function identify(headers: IncomingHttpHeaders, url: string, targetPrefixes: ReadonlyMap<string, string>): Identity {
  const authorization = headers.authorization;
  const scope = authorization ? CREDENTIAL_SCOPE.exec(authorization) : undefined;
  if (scope) return { region: scope[1], service: scope[2] };
  const query = url.indexOf('?');
  const parts = query >= 0 ? new URLSearchParams(url.slice(query + 1)).get('X-Amz-Credential')?.split('/') : undefined;
  if (parts && parts.length >= 5) return { region: parts[2], service: parts[3] };
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const service = targetPrefixes.get(target.split('.')[0]);
    if (service) return { service };
  }
  return {};
}
