import { randomUUID } from 'node:crypto';
import type { ActivityStream } from '../../activity/stream.ts';
import { LOCAL_ACCOUNT_ID } from '../../aws/context.ts';
import type { HttpResponse } from '../../aws/http.ts';
import type { Delivery } from '../../delivery/delivery.ts';
import type { InvocationReport } from '../lambda/pool.ts';
import type { ApiGatewayModel, Method, Resource } from './model.ts';

const json = (status: number, body: unknown, extra: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...extra },
  body: JSON.stringify(body),
});

/** Finds the resource and method serving `path`, as API Gateway matches: literal parts beat `{param}`, `{proxy+}` is greedy. */
function route(
  resources: Resource[],
  path: string,
  httpMethod: string,
): { resource: Resource; method: Method; pathParameters: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  const candidates: { resource: Resource; params: Record<string, string>; score: number }[] = [];
  for (const resource of resources) {
    const pattern = resource.path.split('/').filter(Boolean);
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i];
      if (p.endsWith('+}')) {
        if (i >= parts.length) ok = false;
        else params[p.slice(1, -2)] = parts.slice(i).map(decodeURIComponent).join('/');
        score += 1;
        break;
      }
      if (i >= parts.length) {
        ok = false;
        break;
      }
      if (p.startsWith('{')) {
        params[p.slice(1, -1)] = decodeURIComponent(parts[i]);
        score += 10;
      } else if (p === parts[i]) score += 100;
      else {
        ok = false;
        break;
      }
    }
    const greedy = pattern.at(-1)?.endsWith('+}');
    if (ok && (greedy || pattern.length === parts.length)) candidates.push({ resource, params, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  for (const candidate of candidates) {
    const method = candidate.resource.methods.get(httpMethod) ?? candidate.resource.methods.get('ANY');
    if (method) return { resource: candidate.resource, method, pathParameters: candidate.params };
  }
  return undefined;
}

/**
 * Serves `<endpoint>/restapis/<id>/<stage>/_user_request_/<path>`: a deployed stage's method with
 * a Lambda proxy integration, invoking the function as API Gateway does (event format 1.0).
 */
export async function invokeRestApi(
  model: ApiGatewayModel,
  delivery: Delivery,
  activity: ActivityStream,
  request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: Buffer; region: string },
): Promise<HttpResponse> {
  const match = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/[^?]*)?(?:\?(.*))?$/.exec(request.url);
  if (!match) return json(404, { message: 'Not Found' }, { 'x-amzn-errortype': 'NotFoundException' });
  const [, apiId, stageName, rawPath = '/', queryString = ''] = match;
  const api = model.apis.get(apiId);
  const stage = api?.stages.get(stageName);
  const deployment = stage && api!.deployments.get(stage.deploymentId);
  if (!api || !stage || !deployment) return json(403, { message: 'Forbidden' }, { 'x-amzn-errortype': 'ForbiddenException' });
  const found = route(deployment.resources, rawPath, request.method);
  // AWS answers an unknown path or method with 403 Missing Authentication Token.
  if (!found) return json(403, { message: 'Missing Authentication Token' }, { 'x-amzn-errortype': 'MissingAuthenticationTokenException' });
  const { resource, method, pathParameters } = found;
  const integration = method.integration;
  if (integration?.type === 'MOCK') return { status: 200, headers: { 'content-type': 'application/json' }, body: '' };
  const functionArn = /functions\/(arn:[^/]+)\/invocations/.exec(integration?.uri ?? '')?.[1];
  if (!functionArn) return json(500, { message: 'Internal server error' }, { 'x-amzn-errortype': 'InternalServerErrorException' });

  const query = new URLSearchParams(queryString);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.at(-1)!;
    multiValueHeaders[name] = values;
  }
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of query) multiQuery[key] = [...(multiQuery[key] ?? []), value];
  const requestId = randomUUID();
  const sourceArn = `arn:aws:execute-api:${request.region}:${LOCAL_ACCOUNT_ID}:${apiId}/${stageName}/${request.method}${resource.path === '/' ? '/' : resource.path}`;
  const isText = request.body.length === 0 || /json|text|xml|form/.test(headers['content-type'] ?? 'text/plain');
  const event = {
    resource: resource.path,
    path: rawPath,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.size > 0 ? Object.fromEntries([...Object.entries(multiQuery)].map(([k, v]) => [k, v.at(-1)])) : null,
    multiValueQueryStringParameters: query.size > 0 ? multiQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: Object.keys(stage.variables).length > 0 ? stage.variables : null,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId,
      stage: stageName,
      resourceId: resource.id,
      resourcePath: resource.path,
      httpMethod: request.method,
      path: `/${stageName}${rawPath}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: new Date().toUTCString(),
      requestTimeEpoch: Date.now(),
      domainName: headers.host ?? 'localhost',
      identity: { sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? null },
    },
    body: request.body.length === 0 ? null : isText ? request.body.toString('utf8') : request.body.toString('base64'),
    isBase64Encoded: !isText,
  };
  activity.emit('apigateway.request', `${apiId}/${stageName}`, { requestId, method: request.method, path: rawPath });
  let report: InvocationReport;
  try {
    report = await delivery.invokeFunctionNow(functionArn, event, { service: 'apigateway.amazonaws.com', sourceArn });
  } catch (error) {
    // AWS logs "Invalid permissions on Lambda function" and answers the caller 500.
    activity.emit('apigateway.integration-failed', `${apiId}/${stageName}`, { requestId, reason: (error as Error).message });
    return json(500, { message: 'Internal server error' }, { 'x-amzn-errortype': 'InternalServerErrorException' });
  }
  if (report.throttled) return json(429, { message: 'Too Many Requests' }, { 'x-amzn-errortype': 'TooManyRequestsException' });
  if (report.error) return json(502, { message: 'Internal server error' }, { 'x-amzn-errortype': 'InternalServerErrorException' });
  const result = report.result as any;
  if (!result || typeof result !== 'object' || (result.statusCode !== undefined && !Number.isInteger(Number(result.statusCode)))) {
    activity.emit('apigateway.integration-failed', `${apiId}/${stageName}`, { requestId, reason: 'Malformed Lambda proxy response' });
    return json(502, { message: 'Internal server error' }, { 'x-amzn-errortype': 'InternalServerErrorException' });
  }
  const responseHeaders: Record<string, string> = { 'x-amzn-requestid': requestId };
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) responseHeaders[k.toLowerCase()] = (v as string[]).join(', ');
  for (const [k, v] of Object.entries(result.headers ?? {})) responseHeaders[k.toLowerCase()] = String(v);
  responseHeaders['content-type'] ??= 'application/json';
  const body =
    result.body === undefined || result.body === null
      ? ''
      : result.isBase64Encoded
        ? Buffer.from(String(result.body), 'base64')
        : String(result.body);
  return { status: Number(result.statusCode ?? 200), headers: responseHeaders, body };
}
