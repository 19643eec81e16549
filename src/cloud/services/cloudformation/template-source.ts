import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { validationError } from './errors.ts';

/** CloudFormation's limits: a template in the request, and a template in an S3 object. */
export const TEMPLATE_BODY_LIMIT = 51_200;
export const TEMPLATE_URL_OBJECT_LIMIT = 1_000_000;
const TEMPLATE_URL_LENGTH_LIMIT = 1_024;

/** The constraint message AWS's request validation gives, naming the member and its limit. */
function tooLong(member: string, value: string, limit: number) {
  const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  return validationError(
    `1 validation error detected: Value '${shown}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${limit}`,
  );
}

/**
 * The bucket and key a TemplateURL names. AWS takes https URLs of S3 only, path-style
 * (https://s3.<region>.amazonaws.com/<bucket>/<key>) or virtual-hosted
 * (https://<bucket>.s3.<region>.amazonaws.com/<key>); locally a path-style URL of the cloud
 * itself (http://localhost:4566/<bucket>/<key>) works too. s3:// URIs are refused, as on AWS.
 */
export function parseTemplateUrl(templateUrl: string): { bucket: string; key: string } {
  const notS3 = () => validationError('TemplateURL must be an Amazon S3 URL.');
  let url: URL;
  try {
    url = new URL(templateUrl);
  } catch {
    throw notS3();
  }
  const host = url.hostname.toLowerCase();
  const path = url.pathname.replace(/^\//, '');
  const local = url.protocol === 'http:' || url.protocol === 'https:' ? ['localhost', '127.0.0.1', '[::1]'].includes(host) : false;
  const awsPathStyle = url.protocol === 'https:' && /^s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$/.test(host);
  const virtualHosted = url.protocol === 'https:' && !awsPathStyle ? /^(.+?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$/.exec(host) : null;
  let bucket: string;
  let key: string;
  if (local || awsPathStyle) {
    const slash = path.indexOf('/');
    if (slash <= 0) throw validationError('TemplateURL must reference a valid S3 object to which you have access.');
    bucket = path.slice(0, slash);
    key = path.slice(slash + 1);
  } else if (virtualHosted) {
    bucket = virtualHosted[1];
    key = path;
  } else {
    throw notS3();
  }
  if (!key) throw validationError('TemplateURL must reference a valid S3 object to which you have access.');
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(key) };
}

/**
 * The template of a CreateStack, UpdateStack or ValidateTemplate request: its TemplateBody, the
 * S3 object its TemplateURL names (read from the local S3, as Lambda reads code), or, with
 * UsePreviousTemplate, the stack's current one. The limits are AWS's.
 */
export async function templateOf(input: any, s3: S3Client, previous?: () => string): Promise<string> {
  const body = input.TemplateBody === undefined || input.TemplateBody === '' ? undefined : String(input.TemplateBody);
  const url = input.TemplateURL === undefined || input.TemplateURL === '' ? undefined : String(input.TemplateURL);
  const usePrevious = String(input.UsePreviousTemplate) === 'true';
  if ([body, url, usePrevious || undefined].filter((v) => v !== undefined).length > 1) {
    throw validationError('Exactly one of TemplateBody, TemplateUrl or UsePreviousTemplate must be specified.');
  }
  if (usePrevious && previous) return previous();
  if (body !== undefined) {
    if (Buffer.byteLength(body) > TEMPLATE_BODY_LIMIT) throw tooLong('templateBody', body, TEMPLATE_BODY_LIMIT);
    return body;
  }
  if (url === undefined) throw validationError('Either Template URL or Template Body must be specified.');
  if (url.length > TEMPLATE_URL_LENGTH_LIMIT) throw tooLong('templateURL', url, TEMPLATE_URL_LENGTH_LIMIT);
  const { bucket, key } = parseTemplateUrl(url);
  let bytes: Uint8Array;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    bytes = await object.Body!.transformToByteArray();
  } catch {
    throw validationError('TemplateURL must reference a valid S3 object to which you have access.');
  }
  if (bytes.byteLength > TEMPLATE_URL_OBJECT_LIMIT)
    throw validationError(`Template may not exceed ${TEMPLATE_URL_OBJECT_LIMIT} bytes in size.`);
  return Buffer.from(bytes).toString('utf8');
}
