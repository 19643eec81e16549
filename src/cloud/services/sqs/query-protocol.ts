import { AwsError, toAwsError, unsupportedAction } from '../../aws/errors.ts';
import { contextOf, type HttpRequest, type HttpResponse, header, type ServiceEndpoint } from '../../aws/http.ts';
import { parseQuery, queryError } from '../../aws/query.ts';
import { escapeXml } from '../../aws/xml.ts';
import { QUERY_ERROR_CODES, type Shape, SQS_QUERY_OPERATIONS, type StructShape, wireName } from './query-shapes.ts';

/**
 * SQS's query protocol (form in, XML out), spoken by the AWS CLI v1, AWS CLI v2 before mid-2023,
 * older botocore and older Java and Go SDKs. fauxqs speaks only SQS's JSON protocol, so each
 * query request is translated into the JSON call it stands for, and the JSON answer back into
 * the XML those clients parse.
 */

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
// Parameters that authenticate or version a request rather than say anything to the action.
const PROTOCOL_PARAMETERS = new Set([
  'Version',
  'AWSAccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'Timestamp',
  'Expires',
  'SecurityToken',
]);

const invalid = (message: string) => new AwsError('InvalidParameterValue', message);

/** The host the client addressed (HTTP/2 names it :authority): fauxqs builds queue URLs from it. */
const hostOf = (request: Pick<HttpRequest, 'headers'>) =>
  header(request as HttpRequest, 'host') ?? header(request as HttpRequest, ':authority') ?? 'localhost';

/** True for requests in SQS's query protocol: a form POST, or a GET that names an Action. */
export function isSqsQueryRequest(method: string, headers: HttpRequest['headers'], url: string): boolean {
  const contentType = String(headers['content-type'] ?? '');
  if (contentType.startsWith('application/x-www-form-urlencoded')) return true;
  return method === 'GET' && /[?&]Action=/.test(url);
}

/** Converts one parsed query value to its JSON-protocol form, following `shape`. */
function fromQuery(shape: Shape, raw: unknown, path: string): unknown {
  if (typeof shape === 'string') {
    if (typeof raw !== 'string') throw invalid(`The parameter ${path} must be a single value.`);
    if (shape === 'integer' || shape === 'long') {
      if (!/^-?\d+$/.test(raw)) throw invalid(`Value ${raw} for parameter ${path} is invalid. Reason: must be an integer.`);
      return Number(raw);
    }
    if (shape === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw invalid(`Value ${raw} for parameter ${path} is invalid. Reason: must be true or false.`);
      return raw === 'true';
    }
    return raw; // strings, and blobs, which both protocols carry in base64
  }
  if (shape.kind === 'list') {
    if (!Array.isArray(raw)) throw invalid(`The parameter ${path} must be numbered: ${path}.1, ${path}.2, …`);
    return raw.map((item, i) => fromQuery(shape.of, item, `${path}.${i + 1}`));
  }
  if (shape.kind === 'map') {
    if (!Array.isArray(raw)) throw invalid(`The parameter ${path} must be numbered: ${path}.1.${shape.key}, ${path}.1.${shape.value}, …`);
    const result: Record<string, unknown> = {};
    raw.forEach((entry, i) => {
      const key = (entry as Record<string, unknown>)?.[shape.key];
      const value = (entry as Record<string, unknown>)?.[shape.value];
      if (typeof key !== 'string' || value === undefined) throw invalid(`${path}.${i + 1} needs both ${shape.key} and ${shape.value}.`);
      result[key] = fromQuery(shape.of, value, `${path}.${i + 1}.${shape.value}`);
    });
    return result;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`The parameter ${path} must have named fields.`);
  return structFromQuery(shape, raw as Record<string, unknown>, `${path}.`);
}

function structFromQuery(shape: StructShape, raw: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const byWire = new Map(
    Object.entries(shape.members).map(([member, memberShape]) => [wireName(member, memberShape), [member, memberShape] as const]),
  );
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const member = byWire.get(key);
    // An unknown parameter is refused, not dropped: the caller meant something by it.
    if (!member) throw invalid(`The local cloud does not know the SQS parameter ${prefix}${key} for this action.`);
    result[member[0]] = fromQuery(member[1], value, `${prefix}${key}`);
  }
  return result;
}

/**
 * Reads a query request into an action name and the JSON input that action takes.
 * Older SDKs post to the queue URL itself and leave QueueUrl out of the form; it is taken from the path.
 */
export function queryToJson(request: Pick<HttpRequest, 'url' | 'body' | 'headers'>): { action: string; input: Record<string, unknown> } {
  const [path, queryString = ''] = request.url.split('?');
  const form = request.body.length > 0 ? request.body.toString('utf8') : queryString;
  const { action, input: raw } = parseQuery(form);
  const operation = Object.hasOwn(SQS_QUERY_OPERATIONS, action) ? SQS_QUERY_OPERATIONS[action] : undefined;
  if (!operation) throw unsupportedAction('SQS', action.slice(0, 200));
  for (const name of Object.keys(raw)) if (PROTOCOL_PARAMETERS.has(name) || name.startsWith('X-Amz-')) delete raw[name];
  const input = structFromQuery(operation.input, raw, '');
  if ('QueueUrl' in operation.input.members && input.QueueUrl === undefined && /^\/\d{12}\/[^/]+$/.test(path)) {
    input.QueueUrl = `http://${hostOf(request)}${path}`;
  }
  return { action, input };
}

/** Renders one JSON-protocol value as query-protocol XML under `name`, following `shape`. */
function toQueryXml(name: string, shape: Shape, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof shape === 'string') return `<${name}>${escapeXml(String(value))}</${name}>`;
  if (shape.kind === 'list') return (value as unknown[]).map((item) => toQueryXml(shape.element, shape.of, item)).join('');
  if (shape.kind === 'map') {
    return Object.entries(value as Record<string, unknown>)
      .map(
        ([key, item]) =>
          `<${shape.entry}><${shape.key}>${escapeXml(key)}</${shape.key}>${toQueryXml(shape.value, shape.of, item)}</${shape.entry}>`,
      )
      .join('');
  }
  return `<${name}>${structToQueryXml(shape, value as Record<string, unknown>)}</${name}>`;
}

function structToQueryXml(shape: StructShape, value: Record<string, unknown>): string {
  return Object.entries(shape.members)
    .map(([member, memberShape]) => toQueryXml(member, memberShape, value[member]))
    .join('');
}

/** The query-protocol answer to `action` for the JSON output the action produced. */
export function jsonToQueryXml(action: string, output: Record<string, unknown>, requestId: string): string {
  const shape = Object.hasOwn(SQS_QUERY_OPERATIONS, action) ? SQS_QUERY_OPERATIONS[action].output : undefined;
  const result = shape ? `<${action}Result>${structToQueryXml(shape, output)}</${action}Result>` : '';
  return `<?xml version="1.0"?>\n<${action}Response xmlns="${XMLNS}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** The error a JSON-protocol error answer stands for, with the code query-protocol clients expect. */
export function jsonErrorToAwsError(status: number, body: string): AwsError {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(body);
  } catch {
    return new AwsError('InternalFailure', `SQS answered ${status} with a body that is not JSON: ${body.slice(0, 200)}`, 500, false);
  }
  const jsonCode = (parsed.__type ?? 'InternalFailure').split('#').pop()!;
  return new AwsError(QUERY_ERROR_CODES[jsonCode] ?? jsonCode, parsed.message ?? parsed.Message ?? '', status, status < 500);
}

/**
 * An endpoint answering SQS query requests by calling `json`, an endpoint that speaks SQS's JSON
 * protocol (fauxqs, plus the actions the local cloud adds to it).
 */
export function sqsQueryEndpoint(json: ServiceEndpoint): ServiceEndpoint {
  return async (request) => {
    const context = contextOf(request);
    const xml = (status: number, body: string): HttpResponse => ({
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': context.requestId },
      body,
    });
    try {
      const { action, input } = queryToJson(request);
      const headers: HttpRequest['headers'] = {
        host: hostOf(request),
        // fauxqs reads the region of new queues from a SigV4 credential scope. The client's own
        // signature covered the form, not this JSON, so only the region it was signed for is passed on.
        authorization: `AWS4-HMAC-SHA256 Credential=local/20000101/${request.region}/sqs/aws4_request, SignedHeaders=host, Signature=none`,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AmazonSQS.${action}`,
      };
      const answer = await json({ method: 'POST', url: '/', headers, body: Buffer.from(JSON.stringify(input)), region: request.region });
      const text = answer.body.toString();
      if (answer.status >= 300) throw jsonErrorToAwsError(answer.status, text);
      return xml(200, jsonToQueryXml(action, text ? JSON.parse(text) : {}, context.requestId));
    } catch (error) {
      const awsError = toAwsError(error);
      const code = QUERY_ERROR_CODES[awsError.code] ?? awsError.code;
      return xml(
        awsError.status,
        queryError(new AwsError(code, awsError.message, awsError.status, awsError.senderFault), context.requestId),
      );
    }
  };
}
