import { AwsError } from '../aws/errors.ts';
import { jsonEndpoint, queryEndpoint, restJsonEndpoint, type ServiceEndpoint } from '../aws/http.ts';
import type { CloudService, IncomingRequest, Protocol, Req, Res } from '../service.ts';
import { identify } from './identify.ts';
import { readBody, send } from './respond.ts';

export interface RouterOptions {
  /** The region of requests that do not name one. */
  region: string;
  /** Answers the reserved path `/_workshop/…`. */
  reserved(url: string, req: Req, res: Res): Promise<void>;
  /** Called after a request that may have changed what a service keeps (its state is saved soon after). */
  changed(): void;
}

/** The endpoint that answers a protocol the gateway speaks itself. */
function endpointOf(protocol: Exclude<Protocol, { kind: 'emulated' }>): ServiceEndpoint {
  if (protocol.kind === 'query') return queryEndpoint(protocol.title, protocol.xmlns, protocol.actions);
  if (protocol.kind === 'json') return jsonEndpoint(protocol.title, protocol.targetPrefix, protocol.actions, protocol.version);
  return restJsonEndpoint(protocol.title, protocol.routes);
}

/**
 * The gateway's one request handler, derived from the services' declarations: the reserved path,
 * then requests AWS answers unsigned, then the service the request was signed for (or, unsigned,
 * the one its X-Amz-Target names), answered in that service's protocol.
 */
export function routeRequests(services: CloudService[], options: RouterOptions): (req: Req, res: Res) => Promise<void> {
  const byName = new Map(services.map((service) => [service.name, service]));
  const endpoints = new Map(services.flatMap((s) => (s.protocol.kind === 'emulated' ? [] : [[s.name, endpointOf(s.protocol)] as const])));
  const targetPrefixes = new Map(
    services.flatMap((s) => ('targetPrefix' in s.protocol && s.protocol.targetPrefix ? [[s.protocol.targetPrefix, s.name] as const] : [])),
  );
  const unsigned = services.filter((service) => service.unsigned);
  return async (req, res) => {
    const url = req.url ?? '/';
    try {
      if (url.startsWith('/_workshop/')) return await options.reserved(url, req, res);
      const identity = identify(req.headers, url, targetPrefixes);
      let body: Promise<Buffer> | undefined;
      const incoming: IncomingRequest = { req, res, region: identity.region ?? options.region, body: () => (body ??= readBody(req)) };
      const open = unsigned.find((service) => service.unsigned!.matches(url, req.headers));
      if (open) return await open.unsigned!.handle(incoming);
      const service = identity.service === undefined ? undefined : byName.get(identity.service);
      if (!service) return send(res, unknownService(identity.service, [...byName.keys()]));
      if (service.protocol.kind === 'emulated') return await service.protocol.handle(incoming);
      const request = { method: req.method ?? 'GET', url, headers: req.headers, body: await incoming.body(), region: incoming.region };
      send(res, await endpoints.get(service.name)!(request));
      if (service.snapshot && request.method !== 'GET') options.changed();
    } catch (error) {
      const message = error instanceof AwsError ? error.message : `The local cloud failed internally: ${(error as Error).message}`;
      if (!res.headersSent)
        send(res, {
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ __type: 'InternalFailure', message }),
        });
      else res.destroy();
    }
  };
}

function unknownService(name: string | undefined, served: string[]) {
  const message = name
    ? `The local cloud does not emulate the AWS service "${name}". It serves: ${served.sort().join(', ')}.`
    : 'The local cloud could not tell which AWS service this request is for: sign it with SigV4 (any AWS SDK or the AWS CLI does).';
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownService' },
    body: JSON.stringify({ __type: 'UnknownService', message }),
  };
}
