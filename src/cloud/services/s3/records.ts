import { randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../../aws/context.ts';

/** What happened to one object, as the gateway saw it in a request S3 answered with success. */
export interface ObjectChange {
  bucket: string;
  key: string;
  /** The event name without `s3:`, e.g. `ObjectCreated:Put`, `ObjectRemoved:Delete`. */
  eventName: string;
  /** Created objects only. */
  size?: number;
  /** Created objects only, without the quotes S3's ETag header has. */
  eTag?: string;
  sourceIp: string;
  requestId: string;
}

/**
 * An object key as S3 writes it into event records: URL-encoded the way HTML forms are
 * (a space is `+`, `=` is `%3D`), with `/` left as it is. Handlers must decode it, as on AWS.
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

let lastSequencer = 0n;

/**
 * S3's sequencer: a hexadecimal value that grows with each event on a key, so consumers can
 * order events on one key (comparing equal-length strings). Here it grows across all keys.
 */
function nextSequencer(): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = now > lastSequencer ? now : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/** An S3 request id: 16 uppercase hexadecimal characters. */
export function s3RequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** The `{"Records":[...]}` message S3 sends for one change, in AWS's shape (event version 2.1). */
export function eventMessage(change: ObjectChange, region: string, configurationId: string): { Records: unknown[] } {
  const created = change.eventName.startsWith('ObjectCreated');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: new Date().toISOString(),
        eventName: change.eventName,
        userIdentity: { principalId: `AWS:${LOCAL_ACCOUNT_ID}` },
        requestParameters: { sourceIPAddress: change.sourceIp },
        responseElements: { 'x-amz-request-id': change.requestId, 'x-amz-id-2': randomBytes(48).toString('base64') },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: { name: change.bucket, ownerIdentity: { principalId: LOCAL_ACCOUNT_ID }, arn: `arn:aws:s3:::${change.bucket}` },
          object: {
            key: encodeEventKey(change.key),
            ...(created ? { size: change.size ?? 0, eTag: change.eTag ?? '' } : {}),
            sequencer: nextSequencer(),
          },
        },
      },
    ],
  };
}

/** The message S3 sends to each queue and topic when a notification configuration is saved. */
export function testEventMessage(bucket: string, requestId: string) {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date().toISOString(),
    Bucket: bucket,
    RequestId: requestId,
    HostId: randomBytes(48).toString('base64'),
  };
}
