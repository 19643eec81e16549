import type http from 'node:http';
import type http2 from 'node:http2';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AwsError, toAwsError } from '../../aws/errors.ts';
import { escapeXml } from '../../aws/xml.ts';
import { type ProxiedExchange, proxyObserved } from '../../gateway/proxy.ts';
import { encryptionXml, lifecycleXml, publicAccessBlockXml, versioningXml } from './bucket-settings.ts';
import type { BucketSubresources } from './bucket-subresources.ts';
import { configurationFromXml, configurationToXml } from './notification-config.ts';
import { DestinationValidationError, type S3Notifications } from './notifications.ts';
import { type ObjectChange, s3RequestId } from './records.ts';
import { childrenNamed, childText, parseXml } from './xml.ts';

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/** Where an S3 request points: path-style `/bucket/key`, or virtual-hosted `bucket.host/key`. */
export interface S3Target {
  bucket: string;
  key: string;
  query: URLSearchParams;
}

export function s3TargetOf(url: string, host: string | undefined): S3Target {
  const [path, search = ''] = url.split('?', 2);
  const hostname = (host ?? '').split(':')[0];
  // As fauxqs reads it: a dotted host name that is not an IP address names the bucket.
  const virtual = hostname.includes('.') && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname) ? hostname.slice(0, hostname.indexOf('.')) : undefined;
  const segments = (virtual ? `/${virtual}${path}` : path).split('/');
  return { bucket: decode(segments[1] ?? ''), key: decode(segments.slice(2).join('/')), query: new URLSearchParams(search) };
}

/** A path segment with its %-escapes decoded; a malformed one is S3's InvalidURI. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.");
  }
}

/** What the gateway gives S3's front besides the request itself. */
export interface S3Request {
  /** Reads the whole body (once), within the limit. */
  body(): Promise<Buffer>;
  /** Makes what the request changed durable (before the answer). */
  durable(): Promise<void>;
  /** The largest body passed on to fauxqs. */
  maxBytes: number;
}

// Bucket and object subresources fauxqs does not implement: it would treat them as other actions
// (a PUT ?versioning would create the bucket again), so they are refused by name instead.
const UNSUPPORTED_BUCKET = [
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'lifecycle',
  'logging',
  'metrics',
  'object-lock',
  'ownershipControls',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'versioning',
  'versions',
  'website',
];
// Bucket settings CloudFormation sets, which S3's Get calls return (bucket-settings.ts).
const SETTINGS: Record<string, (settings: ReturnType<BucketSubresources['settings']['get']>) => string> = {
  encryption: encryptionXml,
  versioning: versioningXml,
  publicAccessBlock: publicAccessBlockXml,
  lifecycle: lifecycleXml,
};
const UNSUPPORTED_OBJECT = ['acl', 'legal-hold', 'restore', 'retention', 'select', 'tagging', 'torrent'];

/**
 * The gateway's S3 front: answers what fauxqs lacks (notification configurations, bucket
 * policies and tags), passes everything else to fauxqs, and after fauxqs created or removed an
 * object sends the event notifications the bucket is configured for.
 */
export class S3Gateway {
  constructor(
    private readonly upstream: URL,
    private readonly s3: S3Client,
    private readonly notifications: S3Notifications,
    private readonly buckets: BucketSubresources,
  ) {}

  async handle(req: Req, res: Res, { body: readBody, durable, maxBytes }: S3Request): Promise<void> {
    const method = req.method ?? 'GET';
    let target: S3Target = { bucket: '', key: '', query: new URLSearchParams() };
    try {
      target = s3TargetOf(req.url ?? '/', req.headers.host ?? (req.headers as Record<string, string>)[':authority']);
      // Without a bucket only ListBuckets (GET /) means anything; fauxqs would read other requests there as SQS or SNS.
      if (!target.bucket && method !== 'GET' && method !== 'HEAD')
        throw new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
      if (target.bucket && !target.key) {
        const answered = await this.bucketSubresource(method, target, req, readBody);
        if (answered) {
          if (method !== 'GET') await durable();
          return reply(res, answered);
        }
      }
      if (target.key) {
        const refused = UNSUPPORTED_OBJECT.find((name) => target.query.has(name));
        if (refused) throw notImplemented(`the object subresource ?${refused}`);
      }
      // The emulator behind S3 (fauxqs) reads these two types as SQS and SNS requests, whatever the
      // path: a body of either would be parsed rather than stored. Refused by name, not garbled.
      const type = String(req.headers['content-type'] ?? '');
      if ((method === 'PUT' || method === 'POST') && /x-amz-json-1\.0|x-www-form-urlencoded/.test(type))
        throw new AwsError(
          'InvalidArgument',
          `The local cloud's S3 cannot take a body of Content-Type ${type.slice(0, 100)} (its emulator reads that type as SQS or SNS requests); send it as another type, or use the AWS target.`,
        );
      const copySource = req.headers['x-amz-copy-source'];
      if (typeof copySource === 'string') {
        const source = decode(copySource).replace(/^\//, '');
        if (!source.includes('/') || source.startsWith('/'))
          throw new AwsError('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
      }
    } catch (error) {
      return reply(res, errorAnswer(error, target));
    }
    const change = this.changeKind(method, target, req);
    const limit = {
      maxBytes,
      foreignError: (status: number, body: Buffer) => {
        let message = body.toString('utf8').slice(0, 300);
        try {
          message = String(JSON.parse(message).message ?? message);
        } catch {
          // not JSON after all: the text itself
        }
        const error =
          status >= 500
            ? new AwsError('InternalError', `The local cloud's S3 failed on this request: ${message}`, 500, false)
            : new AwsError('InvalidRequest', message, status);
        const refused = errorAnswer(error, target);
        return { status: refused.status, headers: { 'content-type': 'application/xml' }, body: refused.xml ?? '' };
      },
      tooLarge: () => {
        const refused = errorAnswer(
          new AwsError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed object size (${maxBytes} bytes locally).`),
          target,
        );
        return { status: refused.status, headers: { 'content-type': 'application/xml' }, body: refused.xml ?? '' };
      },
    };
    if (!change) return proxyObserved(this.upstream, req, res, limit);
    proxyObserved(this.upstream, req, res, {
      ...limit,
      captureRequest: change === 'post' || change === 'delete-many',
      captureResponse: change === 'delete-many',
      done: (exchange) =>
        void this.afterChange(change, target, req, exchange).catch((error: Error) =>
          this.notifications.failed(target.bucket, target.key ?? '', error),
        ),
    });
  }

  /** Answers notification, policy and tagging requests; refuses subresources fauxqs would misread. */
  private async bucketSubresource(
    method: string,
    target: S3Target,
    req: Req,
    readBody: () => Promise<Buffer>,
  ): Promise<Answer | undefined> {
    const { bucket, query } = target;
    if (query.has('notification')) {
      if (method === 'PUT') {
        const configuration = configurationFromXml(parseXml((await readBody()).toString('utf8')));
        await this.notifications.put(bucket, configuration, String(req.headers['x-amz-skip-destination-validation']) === 'true');
        return { status: 200 };
      }
      if (method === 'GET') return { status: 200, xml: configurationToXml(await this.notifications.get(bucket)) };
      throw new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
    }
    if (query.has('policy')) {
      await this.notifications.requireBucket(bucket);
      if (method === 'PUT') {
        this.buckets.putPolicy(bucket, (await readBody()).toString('utf8'));
        this.notifications.changed(bucket, 's3.bucket-policy-set');
        return { status: 204 };
      }
      if (method === 'GET') return { status: 200, body: this.buckets.getPolicy(bucket), contentType: 'application/json' };
      if (method === 'DELETE') {
        this.buckets.policies.delete(bucket);
        this.notifications.changed(bucket, 's3.bucket-policy-deleted');
        return { status: 204 };
      }
    }
    if (query.has('tagging')) {
      await this.notifications.requireBucket(bucket);
      if (method === 'PUT') {
        this.buckets.putTaggingXml(bucket, (await readBody()).toString('utf8'));
        this.notifications.changed(bucket, 's3.bucket-tags-set');
        return { status: 204 };
      }
      if (method === 'GET') return { status: 200, xml: this.buckets.getTaggingXml(bucket) };
      if (method === 'DELETE') {
        this.buckets.tags.delete(bucket);
        this.notifications.changed(bucket, 's3.bucket-tags-deleted');
        return { status: 204 };
      }
    }
    const setting = Object.keys(SETTINGS).find((name) => query.has(name));
    if (setting && method === 'GET') {
      await this.notifications.requireBucket(bucket);
      return { status: 200, xml: SETTINGS[setting](this.buckets.settings.get(bucket)) };
    }
    const refused =
      UNSUPPORTED_BUCKET.find((name) => query.has(name)) ?? (method === 'GET' && query.has('uploads') ? 'uploads' : undefined);
    if (refused) throw notImplemented(`the bucket subresource ?${refused}`);
    return undefined;
  }

  /** Which object-changing request this is, if any; bucket deletions are watched too. */
  private changeKind(
    method: string,
    target: S3Target,
    req: Req,
  ): 'put' | 'copy' | 'post' | 'complete' | 'delete' | 'delete-many' | 'delete-bucket' | undefined {
    const { bucket, key, query } = target;
    if (!bucket) return undefined;
    if (!key && method === 'DELETE') return 'delete-bucket';
    if (!this.notifications.has(bucket)) return undefined;
    if (!key) {
      if (method !== 'POST') return undefined;
      return String(req.headers['content-type'] ?? '')
        .toLowerCase()
        .includes('multipart/form-data')
        ? 'post'
        : 'delete-many';
    }
    if (method === 'PUT' && !query.has('uploadId') && !query.has('partNumber') && !query.has('renameObject'))
      return req.headers['x-amz-copy-source'] ? 'copy' : 'put';
    if (method === 'POST' && query.has('uploadId')) return 'complete';
    if (method === 'DELETE' && !query.has('uploadId')) return 'delete';
    return undefined;
  }

  private async afterChange(
    kind: NonNullable<ReturnType<S3Gateway['changeKind']>>,
    target: S3Target,
    req: Req,
    exchange: ProxiedExchange,
  ): Promise<void> {
    if (exchange.status < 200 || exchange.status >= 300) return;
    const { bucket } = target;
    if (kind === 'delete-bucket') {
      this.notifications.forget(bucket);
      this.buckets.forget(bucket);
      return;
    }
    // Nothing to notify: no event record to work out (and no object to look up) for this bucket.
    if (!this.notifications.configurations.has(bucket)) return;
    const base = {
      bucket,
      sourceIp: (req.socket?.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      requestId: String(exchange.headers['x-amz-request-id'] ?? s3RequestId()),
    };
    if (kind === 'delete' || kind === 'delete-many') {
      const keys = kind === 'delete' ? [target.key] : deletedKeys(exchange.requestBody!, exchange.responseBody!);
      for (const key of keys) await this.notifications.notify({ ...base, key, eventName: 'ObjectRemoved:Delete' });
      return;
    }
    const key = kind === 'post' ? postedKey(exchange.requestBody!, String(req.headers['content-type'])) : target.key;
    if (key === undefined) return;
    const eventName = {
      put: 'ObjectCreated:Put',
      copy: 'ObjectCreated:Copy',
      post: 'ObjectCreated:Post',
      complete: 'ObjectCreated:CompleteMultipartUpload',
    }[kind];
    // A PutObject answer carries the ETag and its request the size; other writes are looked up.
    // (Streaming-signed uploads send the object's size as x-amz-decoded-content-length.)
    const size = req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length'];
    const put = kind === 'put' && exchange.headers.etag !== undefined && size !== undefined;
    const head = put
      ? { ContentLength: Number(size), ETag: String(exchange.headers.etag) }
      : await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const change: ObjectChange = { ...base, key, eventName, size: head.ContentLength ?? 0, eTag: (head.ETag ?? '').replace(/"/g, '') };
    await this.notifications.notify(change);
  }
}

/** The keys a DeleteObjects request removed: those answered as Deleted, or in quiet mode those requested minus the errors. */
function deletedKeys(request: Buffer, response: Buffer): string[] {
  const answer = parseXml(response.toString('utf8'));
  const deleted = childrenNamed(answer, 'Deleted').map((d) => childText(d, 'Key') ?? '');
  if (deleted.length > 0) return deleted;
  const failed = new Set(childrenNamed(answer, 'Error').map((e) => childText(e, 'Key')));
  return childrenNamed(parseXml(request.toString('utf8')), 'Object')
    .map((o) => childText(o, 'Key') ?? '')
    .filter((key) => !failed.has(key));
}

/** The key of a browser-form upload (PostObject): its `key` field, with `${filename}` replaced. */
function postedKey(body: Buffer, contentType: string): string | undefined {
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
  if (!boundary) return undefined;
  let key: string | undefined;
  let filename = '';
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const [head, ...rest] = part.split('\r\n\r\n');
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const file = /filename="([^"]*)"/i.exec(head)?.[1];
    if (file !== undefined) {
      filename = file.split(/[\\/]/).pop() ?? '';
      break; // S3: fields after the file are ignored
    }
    if (name?.toLowerCase() === 'key') key = Buffer.from(rest.join('\r\n\r\n').replace(/\r\n$/, ''), 'latin1').toString('utf8');
  }
  return key?.replaceAll('${filename}', filename);
}

interface Answer {
  status: number;
  xml?: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

function reply(res: Res, answer: Answer): void {
  const body = answer.xml ?? answer.body ?? '';
  (res as http.ServerResponse).writeHead(answer.status, {
    'x-amz-request-id': s3RequestId(),
    ...(body ? { 'content-type': answer.contentType ?? 'application/xml' } : {}),
    'content-length': String(Buffer.byteLength(body)),
    ...answer.headers,
  });
  res.end(body);
}

const notImplemented = (what: string) =>
  new AwsError('NotImplemented', `The local cloud's S3 does not implement ${what}; use the AWS target for it.`, 501);

/** An S3 error document, with the ArgumentName/ArgumentValue pairs S3 adds for invalid destinations. */
function errorAnswer(error: unknown, target: S3Target): Answer {
  const awsError = toAwsError(error);
  const requestId = s3RequestId();
  const extra =
    error instanceof DestinationValidationError
      ? error.failures
          .map(
            (f, i) =>
              `<ArgumentName${i + 1}>${escapeXml(f.arn)}</ArgumentName${i + 1}><ArgumentValue${i + 1}>${escapeXml(f.reason)}</ArgumentValue${i + 1}>`,
          )
          .join('')
      : '';
  const bucket = awsError.code === 'NoSuchBucket' ? `<BucketName>${escapeXml(target.bucket)}</BucketName>` : '';
  return {
    status: awsError.status,
    xml: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(awsError.code)}</Code><Message>${escapeXml(awsError.message)}</Message>${extra}${bucket}<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`,
  };
}
