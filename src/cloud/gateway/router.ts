import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { AwsError } from '../aws/errors.ts';
import {
  type HttpResponse,
  jsonEndpoint,
  jsonErrorAnswer,
  queryEndpoint,
  queryErrorAnswer,
  restJsonEndpoint,
  restJsonErrorAnswer,
  restXmlErrorAnswer,
  type ServiceEndpoint,
} from '../aws/http.ts';
import type { CloudService, ErrorFormat, IncomingRequest, Protocol, Req, Res } from '../service.ts';
import { identify } from './identify.ts';
import { BodyTooLarge, declaredLength, readBody, send } from './respond.ts';

export interface RouterOptions {
  /** The region of requests that do not name one. */
  region: string;
  /** Answers the reserved path `/_workshop/…`. */
  reserved(url: string, req: Req, res: Res): Promise<void>;
  /**
   * Makes durable what a request to `service` may have changed, before it is answered (throws if
   * it cannot: the request then fails rather than be acknowledged and lost).
   */
  commit(service: string): void;
}

/** The endpoint that answers a protocol the gateway speaks itself. */
function endpointOf(name: string, protocol: Exclude<Protocol, { kind: 'emulated' }>): ServiceEndpoint {
  const checks = { shapes: name, invalidInputCode: protocol.invalidInputCode };
  if (protocol.kind === 'query') return queryEndpoint(protocol.title, protocol.xmlns, protocol.actions, checks);
  if (protocol.kind === 'json') return jsonEndpoint(protocol.title, protocol.targetPrefix, protocol.actions, protocol.version, checks);
  return restJsonEndpoint(protocol.title, protocol.routes, checks);
}

/** The wire format of a service's errors. */
export function errorFormatOf(service: CloudService): ErrorFormat {
  return service.protocol.kind === 'emulated' ? (service.protocol.errors ?? 'json') : service.protocol.kind;
}

/** An error in a wire format. */
export function errorAnswer(format: ErrorFormat, error: unknown, requestId = randomUUID()): HttpResponse {
  if (format === 'query') return queryErrorAnswer(error, requestId);
  if (format === 'rest-json') return restJsonErrorAnswer(error, requestId);
  if (format === 'rest-xml') return restXmlErrorAnswer(error, requestId);
  return jsonErrorAnswer(error, requestId);
}

// Reads ask nothing of the state: Get*, List*, Describe*… (AWS's naming), and REST GETs.
const READ_ACTION = /^(Get|List|Describe|Filter|Simulate|Test|Lookup|Search|Select|Scan|Query|BatchGet|Estimate|Validate)[A-Z]/;
/** Whether an answered request may have changed what a service keeps. */
function mayHaveChanged(method: string, answer: HttpResponse): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  return !answer.action || !READ_ACTION.test(answer.action);
}

// Region names as AWS spells them (us-east-1, eu-central-2), or any plain lower-case name a local
// setup uses; never a name every JavaScript object already has (`constructor`).
const REGION = /^[a-z][a-z0-9-]{0,62}$/;
const validRegion = (region: string) => REGION.test(region) && !(region in Object.prototype);

/**
 * The gateway's one request handler, derived from the services' declarations: the reserved path,
 * then requests AWS answers unsigned, then the service the request was signed for (or, unsigned,
 * the one its X-Amz-Target names), answered in that service's protocol. A body over the service's
 * limit is refused unread; whatever fails is answered in the service's own wire format; an answer
 * to a request that changed what the cloud keeps goes out only once that change is durable.
 */
export function routeRequests(services: CloudService[], options: RouterOptions): (req: Req, res: Res) => Promise<void> {
  const byName = new Map(services.map((service) => [service.name, service]));
  const endpoints = new Map(
    services.flatMap((s) => (s.protocol.kind === 'emulated' ? [] : [[s.name, endpointOf(s.name, s.protocol)] as const])),
  );
  const targetPrefixes = new Map(
    services.flatMap((s) => ('targetPrefix' in s.protocol && s.protocol.targetPrefix ? [[s.protocol.targetPrefix, s.name] as const] : [])),
  );
  const unsigned = services.filter((service) => service.unsigned);
  return async (req, res) => {
    const url = req.url ?? '/';
    let service: CloudService | undefined;
    try {
      if (url.startsWith('/_workshop/')) return await options.reserved(url, req, res);
      const identity = identify(req.headers, url, targetPrefixes);
      const open = unsigned.find((s) => s.unsigned!.matches(url, req.headers));
      service = open ?? (identity.service === undefined ? undefined : byName.get(identity.service));
      if (!service) return send(res, unknownService(identity.service, [...byName.keys()]));
      if (identity.region !== undefined && !validRegion(identity.region))
        throw new AwsError(
          'InvalidSignatureException',
          `Credential should be scoped to a valid region, not '${identity.region.slice(0, 64)}'.`,
          403,
        );
      const name = service.name;
      const limit = service.maxBodyBytes;
      if ((declaredLength(req) ?? 0) > limit) throw new BodyTooLarge(limit);
      let body: Promise<Buffer> | undefined;
      const incoming: IncomingRequest = {
        req,
        res,
        region: identity.region ?? options.region,
        body: () => (body ??= readBody(req, limit)),
        durable: async () => options.commit(name),
      };
      if (open) return await open.unsigned!.handle(incoming);
      if (service.protocol.kind === 'emulated') return await service.protocol.handle(incoming);
      const request = { method: req.method ?? 'GET', url, headers: req.headers, body: await incoming.body(), region: incoming.region };
      const answer = await endpoints.get(name)!(request);
      if (service.snapshot && mayHaveChanged(request.method, answer)) options.commit(name);
      send(res, answer);
    } catch (error) {
      failed(res, service, error);
    }
  };
}

/** Answers a request that failed outside its service's own handling, in the service's format. */
function failed(res: Res, service: CloudService | undefined, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof BodyTooLarge) {
    const { code, status } = service?.tooLargeCode ?? { code: 'RequestEntityTooLarge', status: 413 };
    const answer = errorAnswer(service ? errorFormatOf(service) : 'json', new AwsError(code, error.message, status));
    const req = (res as http.ServerResponse).req;
    if (!req || req.complete) {
      send(res, answer);
      return;
    }
    // The rest of the body is let go unread, and the answer waits for its end: a client still
    // sending when the connection closed would lose the answer to a reset (and an SDK would retry
    // the whole upload). A body still coming after DRAIN_MS is answered anyway, and the connection ends.
    req.resume();
    const timer = setTimeout(() => {
      res.once('finish', () => req.destroy());
      send(res, answer);
    }, DRAIN_MS);
    req.once('end', () => {
      clearTimeout(timer);
      if (!res.headersSent) send(res, answer);
    });
    return;
  }
  send(res, errorAnswer(service ? errorFormatOf(service) : 'json', error));
}

/** How long a body past its service's limit is read (and dropped) before the answer goes anyway. */
const DRAIN_MS = 5_000;

function unknownService(name: string | undefined, served: string[]) {
  const message = name
    ? `The local cloud does not emulate the AWS service "${name.slice(0, 64)}". It serves: ${served.sort().join(', ')}.`
    : 'The local cloud could not tell which AWS service this request is for: sign it with SigV4 (any AWS SDK or the AWS CLI does).';
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownService' },
    body: JSON.stringify({ __type: 'UnknownService', message }),
  };
}
