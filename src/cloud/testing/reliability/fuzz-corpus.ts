import type { ShapeFile, ShapeRef, ShapeTable } from '../../aws/input-shapes.ts';
import type { Wire } from './aws-shape.ts';
import type { Random } from './random.ts';

// A seeded corpus of requests for every protocol the endpoint speaks: AWS JSON 1.0/1.1 (Logs, SSM,
// EventBridge, Step Functions, CloudWatch, SQS, DynamoDB, Kinesis; Kinesis over HTTP/2 too), the
// query protocol (SNS, IAM, STS, CloudFormation, SQS's older clients), REST-JSON (Lambda, API
// Gateway and its invoke URLs) and REST-XML (S3). Inputs are built from each operation's shape
// (the AWS SDK's schemas), then broken on purpose: members of the wrong type, nulls, names every
// JavaScript object has, deep nesting, embedded JSON that is malformed or thousands of levels
// deep, bad %-escapes, odd signatures and targets, bodies over the service's limit. The same seed
// gives the same requests.

/** One request of the corpus. */
export interface FuzzRequest {
  /** What it exercises, e.g. `json sqs SendMessage`. */
  label: string;
  wire: Wire;
  http2?: boolean;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Send this many bytes after `body`, chunked (no Content-Length): a body over the service's limit, found out while read. */
  oversize?: number;
}

/** The JSON-protocol services: target prefix and version. */
const JSON_SERVICES: Record<string, { prefix: string; version: '1.0' | '1.1' }> = {
  logs: { prefix: 'Logs_20140328', version: '1.1' },
  ssm: { prefix: 'AmazonSSM', version: '1.1' },
  events: { prefix: 'AWSEvents', version: '1.1' },
  states: { prefix: 'AWSStepFunctions', version: '1.0' },
  monitoring: { prefix: 'GraniteServiceVersion20100801', version: '1.0' },
  sqs: { prefix: 'AmazonSQS', version: '1.0' },
};
const QUERY_SERVICES: Record<string, string> = {
  sns: '2010-03-31',
  iam: '2010-05-08',
  sts: '2011-06-15',
  cloudformation: '2010-05-15',
};
/** DynamoDB and Kinesis have no table in input-shapes.json (their emulators check types themselves): their actions by hand. */
const DYNAMODB_ACTIONS = [
  'CreateTable',
  'PutItem',
  'GetItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchWriteItem',
  'BatchGetItem',
  'TransactWriteItems',
  'DescribeTable',
  'ListTables',
];
const KINESIS_ACTIONS = [
  'CreateStream',
  'PutRecord',
  'PutRecords',
  'GetShardIterator',
  'GetRecords',
  'DescribeStream',
  'DescribeStreamSummary',
  'ListStreams',
  'ListShards',
];

/** Names that exist on every JavaScript object, and other strings handlers were not written for. */
const NASTY_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const NASTY_STRINGS = [
  '',
  ' ',
  '../x',
  '..%2fx',
  '%',
  '%zz',
  '%E0%A4%A',
  '\u0000',
  '💥🚀',
  'x'.repeat(2_000),
  'arn:aws:',
  'null',
  '{',
  '[]',
  ...NASTY_NAMES,
];
/** Members whose value is itself a JSON document: filled with malformed or deeply nested JSON too. */
const DOCUMENT_MEMBERS =
  /^(Definition|EventPattern|FilterPolicy|Policy|PolicyDocument|AssumeRolePolicyDocument|Detail|Input|Message|TemplateBody|RedrivePolicy|DeliveryPolicy|Value|Attributes|Payload|InputTemplate)$/;

/** Sets an own, enumerable property, even one named `__proto__` (plain assignment would set the prototype instead). */
function own(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON `depth` levels deep: `{"a":{"a":…}}` or `[[…]]`. */
export function deepJson(depth: number, kind: 'object' | 'array' = 'object'): string {
  return kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** A fake SigV4 Authorization header naming `service` and `region` (the local cloud does not check signatures). */
export function signed(service: string, region = 'us-east-1'): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'x-amz-date': '20260101T000000Z',
  };
}

/** The corpus: `generate(random)` makes one request. */
export class FuzzCorpus {
  /** Actions the cloud answers as not emulated (`service action`): mostly left out, so the corpus reaches what it does. */
  private readonly unsupported = new Set<string>();

  constructor(
    private readonly shapes: ShapeFile,
    /** REST routes of Lambda and API Gateway: [method, path template] from the SDK's operation schemas. */
    private readonly restRoutes: Record<'lambda' | 'apigateway', [string, string][]>,
  ) {}

  /** One plain request per action and route: what `discover` sends to learn what is not emulated. */
  probes(): FuzzRequest[] {
    const probes: FuzzRequest[] = [];
    for (const [service, { prefix, version }] of Object.entries(JSON_SERVICES))
      for (const action of Object.keys(this.shapes[service].operations))
        probes.push({
          label: `json ${service} ${action}`,
          wire: 'json',
          method: 'POST',
          path: '/',
          headers: { ...signed(service), 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': `${prefix}.${action}` },
          body: Buffer.from('{}'),
        });
    for (const [service, version] of Object.entries(QUERY_SERVICES))
      for (const action of Object.keys(this.shapes[service].operations))
        probes.push({
          label: `query ${service} ${action}`,
          wire: 'query',
          method: 'POST',
          path: '/',
          headers: { ...signed(service), 'content-type': 'application/x-www-form-urlencoded' },
          body: Buffer.from(`Action=${action}&Version=${version}`),
        });
    for (const service of ['lambda', 'apigateway'] as const)
      for (const [method, template] of this.restRoutes[service])
        probes.push({
          label: `rest-json ${service} ${method} ${template}`,
          wire: 'rest-json',
          method,
          path: template.replace(/\{[^}]+\}/g, 'probe'),
          headers: { ...signed(service), 'content-type': 'application/json' },
          body: Buffer.from(method === 'GET' || method === 'DELETE' ? '' : '{}'),
        });
    return probes;
  }

  /** Notes a probe the cloud answered as not emulated. */
  notEmulated(probe: FuzzRequest): void {
    this.unsupported.add(probe.label);
  }

  /** The actions of a service to draw from: mostly the emulated ones. */
  private actionsOf(r: Random, wire: 'json' | 'query', service: string): string[] {
    const all = Object.keys(this.shapes[service].operations);
    if (r.chance(0.1)) return all;
    const emulated = all.filter((action) => !this.unsupported.has(`${wire} ${service} ${action}`));
    return emulated.length > 0 ? emulated : all;
  }

  private routesOf(r: Random, service: 'lambda' | 'apigateway'): [string, string][] {
    const all = this.restRoutes[service];
    if (r.chance(0.1)) return all;
    const emulated = all.filter(([method, template]) => !this.unsupported.has(`rest-json ${service} ${method} ${template}`));
    return emulated.length > 0 ? emulated : all;
  }

  generate(r: Random): FuzzRequest {
    if (r.chance(0.003)) return this.oversized(r);
    const kind = r.pick([
      'json',
      'json',
      'json',
      'query',
      'query',
      'dynamodb',
      'kinesis',
      'kinesis-h2',
      'rest-json',
      'rest-xml',
      'headers',
    ] as const);
    if (kind === 'json') return this.json(r);
    if (kind === 'query') return this.query(r);
    if (kind === 'dynamodb') return this.dynamodb(r);
    if (kind === 'kinesis' || kind === 'kinesis-h2') return { ...this.kinesis(r), http2: kind === 'kinesis-h2' };
    if (kind === 'rest-json') return this.restJson(r);
    if (kind === 'rest-xml') return this.s3(r);
    return this.oddHeaders(r);
  }

  /** A value of `ref`, broken with probability `p` at each level. */
  value(r: Random, table: ShapeTable, ref: ShapeRef, member: string, depth: number, p: number): unknown {
    if (r.chance(p)) return this.broken(r, member);
    if (typeof ref === 'object') {
      if ('list' in ref) return Array.from({ length: r.int(0, 3) }, () => this.value(r, table, ref.list, member, depth + 1, p));
      const map: Record<string, unknown> = {};
      for (let i = r.int(0, 3); i > 0; i--)
        own(map, r.chance(0.2) ? r.pick(NASTY_NAMES) : r.text(r.int(1, 12)), this.value(r, table, ref.map, member, depth + 1, p));
      return map;
    }
    if (ref === 'string') return this.text(r, member);
    if (ref === 'number') return r.pick([0, 1, -1, r.int(0, 1_000), 2 ** 53, 1.5]);
    if (ref === 'boolean') return r.chance(0.5);
    if (ref === 'blob') return Buffer.from(r.text(r.int(0, 64))).toString('base64');
    if (ref === 'timestamp') return r.int(0, 2_000_000_000);
    if (ref === 'any') return this.broken(r, member);
    const struct = table.shapes[ref]?.struct;
    if (!struct || depth > 6) return {};
    const out: Record<string, unknown> = {};
    for (const [name, memberRef] of Object.entries(struct))
      if (r.chance(0.6)) own(out, name, this.value(r, table, memberRef, name, depth + 1, p));
    if (r.chance(p)) own(out, r.pick(NASTY_NAMES), { polluted: r.text(4) });
    return out;
  }

  /** A string for `member`: usually plausible, sometimes nasty, embedded JSON for document members. */
  private text(r: Random, member: string): string {
    if (DOCUMENT_MEMBERS.test(member) && r.chance(0.5))
      return r.pick([
        () => deepJson(r.int(50, 3_000), r.chance(0.5) ? 'object' : 'array'),
        () => '{"a":',
        () => `{"${r.pick(NASTY_NAMES)}":{"polluted":1},"source":["${r.text(5)}"]}`,
        () => JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', ResultPath: '$.__proto__.polluted', End: true } } }),
        () => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
        () => JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:x', maxReceiveCount: r.int(-5, 5_000) }),
      ])();
    if (r.chance(0.2)) return r.pick(NASTY_STRINGS);
    if (/Arn$|ARN$|TopicArn|TargetArn|Resource/.test(member))
      return `arn:aws:${r.pick(['sns', 'sqs', 'lambda', 'states', 'events', 'iam'])}:us-east-1:000000000000:${r.text(r.int(1, 20))}`;
    if (/Url$/.test(member)) return `http://localhost/000000000000/${r.text(r.int(1, 20))}`;
    return r.text(r.int(1, 24));
  }

  /** A value of the wrong kind. */
  private broken(r: Random, member: string): unknown {
    return r.pick([
      () => null,
      () => 123,
      () => r.text(8),
      () => [r.text(3), 1],
      () => {
        const nasty: Record<string, unknown> = {};
        own(nasty, r.pick(NASTY_NAMES), { polluted: true });
        return nasty;
      },
      () => JSON.parse(deepJson(r.int(20, 400))),
      () => true,
      () => this.text(r, member),
    ])();
  }

  private json(r: Random): FuzzRequest {
    const service = r.pick(Object.keys(JSON_SERVICES));
    const { prefix, version } = JSON_SERVICES[service];
    const table = this.shapes[service];
    const action = r.chance(0.05) ? r.pick(NASTY_NAMES) : r.pick(this.actionsOf(r, 'json', service));
    const input = Object.hasOwn(table.operations, action) ? this.value(r, table, table.operations[action], action, 0, 0.12) : {};
    const body = r.pick([
      () => JSON.stringify(input),
      () => JSON.stringify(input),
      () => JSON.stringify(input),
      () => 'null',
      () => '[1,2]',
      () => '{"unterminated":',
      () => deepJson(r.int(100, 5_000)),
      () => '',
      () => JSON.stringify(input).replace(/"/g, "'"),
    ])();
    const target = r.chance(0.05) ? r.pick([`${prefix}`, `${prefix}.`, `${prefix}.a.b`, `Other.${action}`, '']) : `${prefix}.${action}`;
    return {
      label: `json ${service} ${action}`,
      wire: 'json',
      method: 'POST',
      path: '/',
      headers: { ...signed(service), 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
      body: Buffer.from(body),
    };
  }

  private query(r: Random): FuzzRequest {
    const sqs = r.chance(0.15);
    const service = sqs ? 'sqs' : r.pick(Object.keys(QUERY_SERVICES));
    const table = this.shapes[service];
    const action = r.chance(0.05) ? r.pick(NASTY_NAMES) : r.pick(this.actionsOf(r, sqs ? 'json' : 'query', service));
    const input = Object.hasOwn(table.operations, action) ? this.value(r, table, table.operations[action], action, 0, 0.1) : {};
    const form = new URLSearchParams({ Action: action, Version: sqs ? '2012-11-05' : QUERY_SERVICES[service] });
    flatten(input, '', form);
    if (r.chance(0.1))
      form.append(
        r.pick([
          '__proto__.polluted',
          'constructor.prototype.polluted',
          'a.b.c.d.e.f.g.h.i.j.k.l.m.n',
          'Tags.member.99999999.Key',
          'Tags.member.0.Key',
        ]),
        '1',
      );
    let body = form.toString();
    if (r.chance(0.05)) body += `&${r.pick(['%zz', '%E0%A4%A', '=', '&&&', 'Action'])}`;
    return {
      label: `query ${service} ${action}`,
      wire: 'query',
      method: 'POST',
      path: '/',
      headers: { ...signed(service), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: Buffer.from(body),
    };
  }

  /** An attribute value, `depth` maps or lists deep. */
  private attributeValue(r: Random, depth: number): unknown {
    if (depth <= 0)
      return r.pick([{ S: r.text(5) }, { N: String(r.int(0, 99)) }, { BOOL: true }, { NULL: true }, { SS: ['a', 'b'] }, { B: 'AAAA' }]);
    return r.chance(0.5) ? { M: { k: this.attributeValue(r, depth - 1) } } : { L: [this.attributeValue(r, depth - 1)] };
  }

  private dynamodb(r: Random): FuzzRequest {
    const action = r.pick(DYNAMODB_ACTIONS);
    const TableName = r.chance(0.8) ? 'fuzz-table' : r.pick(NASTY_STRINGS);
    const depth = r.pick([0, 1, 5, 30, 31, 32, 33, 40, r.int(100, 900)]);
    const item: Record<string, unknown> = { id: { S: r.text(6) } };
    own(item, r.chance(0.2) ? r.pick(NASTY_NAMES) : 'data', this.attributeValue(r, depth));
    const bodies: Record<string, unknown> = {
      CreateTable: {
        TableName,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
      PutItem: { TableName, Item: item },
      GetItem: { TableName, Key: { id: item.id } },
      UpdateItem: {
        TableName,
        Key: { id: item.id },
        UpdateExpression: r.chance(0.3) ? `SET ${'('.repeat(r.int(10, 2_000))}a` : 'SET #d = :v',
        ExpressionAttributeNames: { '#d': 'data' },
        ExpressionAttributeValues: { ':v': this.attributeValue(r, depth) },
      },
      DeleteItem: { TableName, Key: { id: item.id }, ConditionExpression: r.chance(0.3) ? `${'('.repeat(r.int(10, 2_000))}x` : undefined },
      Query: { TableName, KeyConditionExpression: 'id = :i', ExpressionAttributeValues: { ':i': item.id } },
      Scan: { TableName, Limit: r.pick([1, 0, -1, 'x']) },
      BatchWriteItem: { RequestItems: { [TableName]: [{ PutRequest: { Item: item } }] } },
      BatchGetItem: { RequestItems: { [TableName]: { Keys: [{ id: item.id }] } } },
      TransactWriteItems: { TransactItems: [{ Put: { TableName, Item: item } }] },
      DescribeTable: { TableName },
      ListTables: { Limit: r.pick([1, 100, 'x']) },
    };
    const input = r.chance(0.85) ? bodies[action] : this.broken(r, action);
    return {
      label: `json dynamodb ${action} (nesting ${depth})`,
      wire: 'json',
      method: 'POST',
      path: '/',
      headers: { ...signed('dynamodb'), 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${action}` },
      body: Buffer.from(r.chance(0.05) ? 'null' : JSON.stringify(input)),
    };
  }

  private kinesis(r: Random): FuzzRequest {
    const action = r.pick(KINESIS_ACTIONS);
    const StreamName = r.chance(0.8) ? 'fuzz-stream' : r.pick(NASTY_STRINGS);
    const Data = Buffer.from(r.text(r.int(0, 200))).toString('base64');
    const bodies: Record<string, unknown> = {
      CreateStream: { StreamName, ShardCount: r.pick([1, 0, -1, 1_000, 'x']) },
      PutRecord: { StreamName, Data: r.chance(0.1) ? '!!not base64' : Data, PartitionKey: r.pick(['k', '', 'x'.repeat(300)]) },
      PutRecords: { StreamName, Records: Array.from({ length: r.pick([0, 1, 10, 501]) }, () => ({ Data, PartitionKey: 'k' })) },
      GetShardIterator: { StreamName, ShardId: 'shardId-000000000000', ShardIteratorType: r.pick(['TRIM_HORIZON', 'LATEST', 'NOPE']) },
      GetRecords: { ShardIterator: r.pick(['AAAA', r.text(40), '']), Limit: r.pick([1, 10_001]) },
      DescribeStream: { StreamName },
      DescribeStreamSummary: { StreamName },
      ListStreams: { Limit: r.pick([1, 100, 0]) },
      ListShards: { StreamName },
    };
    const input = r.chance(0.85) ? bodies[action] : this.broken(r, action);
    return {
      label: `json kinesis ${action}`,
      wire: 'json',
      method: 'POST',
      path: '/',
      headers: { ...signed('kinesis'), 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
      body: Buffer.from(JSON.stringify(input)),
    };
  }

  private restJson(r: Random): FuzzRequest {
    const service = r.pick(['lambda', 'apigateway'] as const);
    const invoke = service === 'apigateway' && r.chance(0.3);
    const segment = () => r.pick([r.text(r.int(1, 12)), ...NASTY_STRINGS.map(encodeURIComponent), '%E0%A4%A', '%zz', '..', 'a%2Fb']);
    let method: string;
    let path: string;
    if (invoke) {
      method = r.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      path = `/restapis/${segment()}/${segment()}/_user_request_/${segment()}`;
    } else {
      const [m, template] = r.pick(this.routesOf(r, service));
      method = r.chance(0.05) ? r.pick(['PATCH', 'GET', 'DELETE']) : m;
      path = template.replace(/\{[^}]+\}/g, () => segment());
    }
    const table = this.shapes[service];
    const action = r.pick(Object.keys(table.operations));
    const input = this.value(r, table, table.operations[action], action, 0, 0.15);
    const body = r.pick([() => JSON.stringify(input), () => 'null', () => '{"x":', () => deepJson(r.int(100, 3_000)), () => ''])();
    return {
      label: `rest-json ${service} ${method} ${path.slice(0, 60)}`,
      wire: 'rest-json',
      method,
      path,
      headers: { ...(invoke ? {} : signed(service)), 'content-type': 'application/json' },
      body: method === 'GET' || method === 'DELETE' ? Buffer.alloc(0) : Buffer.from(body),
    };
  }

  private s3(r: Random): FuzzRequest {
    const method = r.pick(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
    const bucket = r.chance(0.7)
      ? 'fuzz-bucket'
      : r.pick(['%E0%A4%A', '%zz', 'a', 'Bad_Bucket', encodeURIComponent('__proto__'), 'x'.repeat(70)]);
    const key = r.chance(0.5) ? '' : `/${r.pick([r.text(8), '%E0%A4%A', 'a/b/../c', encodeURIComponent('💥'), 'constructor'])}`;
    const sub = r.pick([
      '',
      '?notification',
      '?policy',
      '?tagging',
      '?uploads',
      '?versioning',
      '?acl',
      '?delete',
      '?list-type=2',
      '?uploadId=x&partNumber=1',
    ]);
    const body =
      method === 'PUT' || method === 'POST'
        ? r.pick([
            () => r.text(r.int(0, 500)),
            () =>
              '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:nope</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>',
            () => `<Tagging><TagSet>${'<Tag>'.repeat(r.int(1, 500))}</TagSet></Tagging>`,
            () => '{"Version":"2012-10-17","Statement":[]}',
            () => '<Delete><Object><Key>x</Key></Object></Delete>',
            () => '<<<',
          ])()
        : '';
    return {
      label: `rest-xml s3 ${method} /${bucket}${key}${sub}`,
      wire: 'rest-xml',
      method,
      path: `/${bucket}${key}${sub}`,
      headers: {
        ...signed('s3'),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        ...(r.chance(0.1) ? { 'x-amz-copy-source': r.pick(['/a/b', '%zz', '']) } : {}),
      },
      body: Buffer.from(body),
    };
  }

  /** A body past the service's limit (SNS 4 MiB, SQS 8 MiB, Logs 8 MiB), declared or found out while read. */
  private oversized(r: Random): FuzzRequest {
    const [service, wire, bytes, headers] = r.pick([
      ['sns', 'query', 5 * 1_048_576, { 'content-type': 'application/x-www-form-urlencoded' }],
      ['sqs', 'json', 9 * 1_048_576, { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' }],
      ['logs', 'json', 9 * 1_048_576, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.PutLogEvents' }],
    ] as const);
    const declared = r.chance(0.5);
    const start = service === 'sns' ? 'Action=Publish&Message=' : '{"x":"';
    return {
      label: `oversize ${service} ${declared ? 'declared' : 'chunked'}`,
      wire,
      method: 'POST',
      path: '/',
      headers: { ...signed(service), ...headers, ...(declared ? { 'content-length': String(start.length + bytes) } : {}) },
      body: Buffer.from(start),
      oversize: bytes,
    };
  }

  /** Signatures and targets no SDK sends: regions and services named after JavaScript's own names, no signature at all. */
  private oddHeaders(r: Random): FuzzRequest {
    const service = r.pick(['sns', 'sqs', 'logs', 'dynamodb', 'kinesis', 'lambda', 's3', ...NASTY_NAMES]);
    const region = r.pick(['us-east-1', ...NASTY_NAMES, '', 'x'.repeat(100), 'eu-west-1']);
    const headers: Record<string, string> = r.chance(0.8) ? signed(service, region) : {};
    if (r.chance(0.5))
      headers['x-amz-target'] = r.pick([
        'AmazonSQS.ListQueues',
        'Logs_20140328.__proto__',
        'AWSStepFunctions.constructor',
        'DynamoDB_20120810.hasOwnProperty',
        'nodot',
        '.',
        'a.b.c',
      ]);
    if (r.chance(0.3))
      headers.authorization = r.pick([
        'AWS4-HMAC-SHA256',
        'Bearer x',
        'AWS4-HMAC-SHA256 Credential=/',
        'AWS4-HMAC-SHA256 Credential=a/b/c/d/e/aws4_request',
      ]);
    headers['content-type'] = r.pick(['application/x-amz-json-1.0', 'application/x-www-form-urlencoded', 'text/plain', 'application/json']);
    // Which format the answer comes in depends on what the gateway can make of these headers.
    const wire: Wire = 'any';
    return {
      label: `headers ${service} ${region.slice(0, 20)}`,
      wire,
      method: r.pick(['POST', 'GET']),
      path: r.pick(['/', '/?Action=ListTopics', '/?Action=toString', '/2015-03-31/functions']),
      headers,
      body: Buffer.from(r.pick(['', 'Action=ListQueues', '{}', 'null'])),
    };
  }
}

/** Serializes an input in the query protocol's flattened form (lists as `member.N`, maps as `entry.N.key/value`). */
function flatten(value: unknown, prefix: string, form: URLSearchParams): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.length === 0) form.append(prefix, '');
    for (const [i, item] of value.entries()) flatten(item, `${prefix}.member.${i + 1}`, form);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, form);
  } else form.append(prefix, String(value));
}
