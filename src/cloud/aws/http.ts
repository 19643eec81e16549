import { randomUUID } from 'node:crypto';
import { type ActionTable, LOCAL_ACCOUNT_ID, type RequestContext } from './context.ts';
import { AwsError, toAwsError, unsupportedAction } from './errors.ts';
import { parseQuery, queryError, queryResponse } from './query.ts';

/** A request as a service sees it: the wire is already read, the protocol not yet parsed. */
export interface HttpRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Region from the request's signature, or the cloud's default. */
  region: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Something that answers the HTTP requests of one AWS service. */
export type ServiceEndpoint = (request: HttpRequest) => Promise<HttpResponse>;

export function contextOf(request: HttpRequest): RequestContext {
  return { region: request.region, accountId: LOCAL_ACCOUNT_ID, requestId: randomUUID() };
}

export function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** An endpoint for a service speaking the AWS query protocol (form in, XML out): SNS, IAM, STS, CloudFormation. */
export function queryEndpoint(service: string, xmlns: string, actions: ActionTable): ServiceEndpoint {
  return async (request) => {
    const context = contextOf(request);
    const xml = (status: number, body: string): HttpResponse => ({
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': context.requestId },
      body,
    });
    try {
      const bodyText = request.body.length > 0 ? request.body.toString('utf8') : (request.url.split('?')[1] ?? '');
      const { action, input } = parseQuery(bodyText);
      const handler = actions[action];
      if (!handler) throw unsupportedAction(service, action);
      const result = await handler(input, context);
      return xml(200, queryResponse(action, xmlns, result, context.requestId));
    } catch (error) {
      const awsError = toAwsError(error);
      return xml(awsError.status, queryError(awsError, context.requestId));
    }
  };
}

/** An endpoint for a service speaking AWS JSON 1.0/1.1 (`X-Amz-Target: Prefix.Action`): Logs, SSM, Step Functions… */
export function jsonEndpoint(service: string, targetPrefix: string, actions: ActionTable, version: '1.0' | '1.1' = '1.1'): ServiceEndpoint {
  const contentType = `application/x-amz-json-${version}`;
  return async (request): Promise<HttpResponse> => {
    const context = contextOf(request);
    try {
      const target = header(request, 'x-amz-target') ?? '';
      const [prefix, action] = target.split('.');
      if (prefix !== targetPrefix || !action)
        throw new AwsError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
      const handler = actions[action];
      if (!handler) throw unsupportedAction(service, action);
      let input: unknown = {};
      if (request.body.length > 0) {
        try {
          input = JSON.parse(request.body.toString('utf8'));
        } catch {
          throw new AwsError('SerializationException', 'The request body is not valid JSON.');
        }
      }
      const result = (await handler(input, context)) ?? {};
      return {
        status: 200,
        headers: { 'content-type': contentType, 'x-amzn-requestid': context.requestId },
        body: JSON.stringify(result, jsonDates),
      };
    } catch (error) {
      const awsError = toAwsError(error);
      return {
        status: awsError.status,
        headers: { 'content-type': contentType, 'x-amzn-requestid': context.requestId, 'x-amzn-errortype': awsError.code },
        body: JSON.stringify({ __type: awsError.code, message: awsError.message }),
      };
    }
  };
}

/** JSON protocols send timestamps as epoch seconds. */
function jsonDates(this: any, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}

/** One REST route: `path` may hold `{Name}` and a greedy `{Name+}` segment. */
export interface RestRoute {
  method: string;
  path: string;
  action: string;
  handler: (request: RestRequest, context: RequestContext) => Promise<RestResult> | RestResult;
}

export interface RestRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: HttpRequest['headers'];
  body: Buffer;
  /** The body parsed as JSON (an empty object when there is none). */
  json: any;
}

export interface RestResult {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a Buffer or a string. */
  body?: unknown;
}

/** An endpoint for a REST-JSON service (Lambda, API Gateway): routes by method and path. */
export function restJsonEndpoint(service: string, routes: RestRoute[]): ServiceEndpoint {
  const compiled = routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/\{(\w+)(\+?)\}/g, (_, name: string, greedy: string) => {
      names.push(name);
      return greedy ? '(.+)' : '([^/]+)';
    });
    return { route, names, regex: new RegExp(`^${pattern}/?$`) };
  });
  return async (request): Promise<HttpResponse> => {
    const context = contextOf(request);
    const [path, queryString = ''] = request.url.split('?');
    try {
      for (const { route, names, regex } of compiled) {
        if (route.method !== request.method) continue;
        const match = regex.exec(path);
        if (!match) continue;
        const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
        let json: any = {};
        const contentType = header(request, 'content-type') ?? '';
        if (request.body.length > 0 && !contentType.startsWith('application/octet-stream')) {
          try {
            json = JSON.parse(request.body.toString('utf8'));
          } catch {
            json = {};
          }
        }
        const result = await route.handler(
          { params, query: new URLSearchParams(queryString), headers: request.headers, body: request.body, json },
          context,
        );
        const body =
          result.body === undefined
            ? ''
            : Buffer.isBuffer(result.body) || typeof result.body === 'string'
              ? result.body
              : JSON.stringify(result.body, jsonDates);
        return {
          status: result.status ?? 200,
          headers: { 'content-type': 'application/json', 'x-amzn-requestid': context.requestId, ...result.headers },
          body,
        };
      }
      throw unsupportedAction(service, `${request.method} ${path}`);
    } catch (error) {
      const awsError = toAwsError(error);
      return {
        status: awsError.status,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': context.requestId, 'x-amzn-errortype': awsError.code },
        body: JSON.stringify({ Type: awsError.senderFault ? 'User' : 'Service', message: awsError.message }),
      };
    }
  };
}
