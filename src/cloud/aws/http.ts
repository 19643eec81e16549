import { randomUUID } from 'node:crypto';
import { type ActionTable, LOCAL_ACCOUNT_ID, type RequestContext } from './context.ts';
import { AwsError, toAwsError, unsupportedAction } from './errors.ts';
import { checkInput, expectsJsonBody, InputShapeError, isOperation } from './input-shapes.ts';
import { parseQuery, queryError, queryResponse } from './query.ts';
import { escapeXml } from './xml.ts';

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
  /** The action the request named, when the endpoint could tell (not sent). */
  action?: string;
}

/** How an endpoint checks its input: the shapes of which service, and the code of its errors for a mistyped input. */
export interface InputChecks {
  /** The service's name in `input-shapes.json` (the name it signs for). */
  shapes?: string;
  /** The error code the service answers a member of the wrong type with (default: the protocol's). */
  invalidInputCode?: string;
}

/** An action's handler, found only among the table's own entries (never `toString` or `constructor`). */
export function actionOf(actions: ActionTable, name: string): ActionTable[string] | undefined {
  return Object.hasOwn(actions, name) ? actions[name] : undefined;
}

/**
 * The error for an action with no handler: one AWS has is named as unsupported here (loud, so a
 * learner knows to use AWS for it); a name AWS does not have is AWS's own error for it.
 */
function missingAction(service: string, action: string, checks: InputChecks, wire: 'query' | 'json'): AwsError {
  if (checks.shapes && isOperation(checks.shapes, action) === false) {
    const name = action.slice(0, 100);
    return wire === 'query'
      ? new AwsError('InvalidAction', `The action ${name} is not valid for this web service.`)
      : new AwsError('UnknownOperationException', `Unknown operation ${JSON.stringify(name)}.`);
  }
  return unsupportedAction(service, action.slice(0, 200));
}

/** The error for an input that does not have its operation's shape: `typeCode` for a member of the wrong type, `missingCode` for a required one missing. */
export function invalidInput(error: unknown, typeCode: string, missingCode: string): unknown {
  if (!(error instanceof InputShapeError)) return error;
  return new AwsError(error.kind === 'missing' ? missingCode : typeCode, `1 validation error detected: ${error.message}`);
}

/** The error of a query-protocol service, as XML. */
export function queryErrorAnswer(error: unknown, requestId: string): HttpResponse {
  const awsError = toAwsError(error);
  return {
    status: awsError.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: queryError(awsError, requestId),
  };
}

/** The error of an AWS JSON 1.0/1.1 service. */
export function jsonErrorAnswer(error: unknown, requestId: string, version: '1.0' | '1.1' = '1.1'): HttpResponse {
  const awsError = toAwsError(error);
  return {
    status: awsError.status,
    headers: {
      'content-type': `application/x-amz-json-${version}`,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': awsError.code,
    },
    body: JSON.stringify({ __type: awsError.code, message: awsError.message }),
  };
}

/** The error of a REST-JSON service (Lambda, API Gateway). */
export function restJsonErrorAnswer(error: unknown, requestId: string): HttpResponse {
  const awsError = toAwsError(error);
  return {
    status: awsError.status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': awsError.code },
    body: JSON.stringify({ Type: awsError.senderFault ? 'User' : 'Service', message: awsError.message }),
  };
}

/** The error of a REST-XML service (S3): an `<Error>` document. */
export function restXmlErrorAnswer(error: unknown, requestId: string): HttpResponse {
  const awsError = toAwsError(error);
  return {
    status: awsError.status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(awsError.code)}</Code><Message>${escapeXml(awsError.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
  };
}

/** Parses a JSON request body; AWS's JSON protocols take an object, nothing else. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new AwsError(
      'SerializationException',
      `The request body must be a JSON object, not ${Array.isArray(input) ? 'a list' : String(input === null ? 'null' : typeof input)}.`,
    );
  return input as Record<string, unknown>;
}

/** decodeURIComponent, answering a malformed %-escape as the client's error rather than a failure of the cloud. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AwsError('InvalidURI', `The path segment ${JSON.stringify(segment.slice(0, 200))} has a malformed %-escape.`);
  }
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
export function queryEndpoint(service: string, xmlns: string, actions: ActionTable, checks: InputChecks = {}): ServiceEndpoint {
  return async (request) => {
    const context = contextOf(request);
    let action: string | undefined;
    try {
      const bodyText = request.body.length > 0 ? request.body.toString('utf8') : (request.url.split('?')[1] ?? '');
      const parsed = parseQuery(bodyText);
      action = parsed.action;
      const handler = actionOf(actions, parsed.action);
      if (!handler) throw missingAction(service, parsed.action, checks, 'query');
      if (checks.shapes) {
        try {
          checkInput(checks.shapes, parsed.action, parsed.input, 'query');
        } catch (error) {
          throw invalidInput(error, checks.invalidInputCode ?? 'InvalidParameterValue', checks.invalidInputCode ?? 'ValidationError');
        }
      }
      const result = await handler(parsed.input, context);
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': context.requestId },
        body: queryResponse(parsed.action, xmlns, result, context.requestId),
        action,
      };
    } catch (error) {
      return { ...queryErrorAnswer(error, context.requestId), action };
    }
  };
}

/** An endpoint for a service speaking AWS JSON 1.0/1.1 (`X-Amz-Target: Prefix.Action`): Logs, SSM, Step Functions… */
export function jsonEndpoint(
  service: string,
  targetPrefix: string,
  actions: ActionTable,
  version: '1.0' | '1.1' = '1.1',
  checks: InputChecks = {},
): ServiceEndpoint {
  const contentType = `application/x-amz-json-${version}`;
  return async (request): Promise<HttpResponse> => {
    const context = contextOf(request);
    let action: string | undefined;
    try {
      const target = header(request, 'x-amz-target') ?? '';
      const dot = target.indexOf('.');
      action = dot >= 0 ? target.slice(dot + 1) : undefined;
      if (dot < 0 || target.slice(0, dot) !== targetPrefix || !action)
        throw new AwsError('UnknownOperationException', `Unknown operation ${target.slice(0, 200) || '(no X-Amz-Target)'}`);
      const handler = actionOf(actions, action);
      if (!handler) throw missingAction(service, action, checks, 'json');
      const input = request.body.length > 0 ? parseJsonObject(request.body) : {};
      if (checks.shapes) {
        try {
          checkInput(checks.shapes, action, input, 'json');
        } catch (error) {
          throw invalidInput(error, checks.invalidInputCode ?? 'SerializationException', 'ValidationException');
        }
      }
      const result = (await handler(input, context)) ?? {};
      return {
        status: 200,
        headers: { 'content-type': contentType, 'x-amzn-requestid': context.requestId },
        body: JSON.stringify(result, jsonDates),
        action,
      };
    } catch (error) {
      return { ...jsonErrorAnswer(error, context.requestId, version), action };
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
export function restJsonEndpoint(service: string, routes: RestRoute[], checks: InputChecks = {}): ServiceEndpoint {
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
        const params = Object.fromEntries(names.map((name, i) => [name, decodePathSegment(match[i + 1])]));
        let json: any = {};
        const contentType = header(request, 'content-type') ?? '';
        if (request.body.length > 0 && !contentType.startsWith('application/octet-stream')) {
          try {
            json = parseJsonObject(request.body);
          } catch (error) {
            // Actions whose body is not a JSON document (an invocation's payload) read the raw body themselves.
            if (checks.shapes && expectsJsonBody(checks.shapes, route.action))
              throw new AwsError(checks.invalidInputCode ?? 'SerializationException', (error as Error).message);
            json = {};
          }
          if (checks.shapes) {
            try {
              checkInput(checks.shapes, route.action, json, 'json');
            } catch (error) {
              throw invalidInput(
                error,
                checks.invalidInputCode ?? 'SerializationException',
                checks.invalidInputCode ?? 'ValidationException',
              );
            }
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
          action: route.action,
        };
      }
      throw unsupportedAction(service, `${request.method} ${path.slice(0, 200)}`);
    } catch (error) {
      return restJsonErrorAnswer(error, context.requestId);
    }
  };
}
