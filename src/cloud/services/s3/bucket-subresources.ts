import { AwsError } from '../../aws/errors.ts';
import { escapeXml } from '../../aws/xml.ts';
import type { BucketSettings } from './bucket-settings.ts';
import { childrenNamed, childText, parseXml } from './xml.ts';

// LIMITATIONS: bucket policies are stored and returned as written, but not enforced: the local
// cloud does not evaluate IAM or resource policies for S3 requests (every caller may read and
// write every bucket).

/** Bucket policies, tags and settings, which fauxqs does not keep: stored here by bucket name. */
export class BucketSubresources {
  readonly policies = new Map<string, string>();
  readonly tags = new Map<string, Record<string, string>>();
  /** Encryption, versioning, public access block and lifecycle (see bucket-settings.ts). */
  readonly settings = new Map<string, BucketSettings>();

  /** PutBucketPolicy: S3 checks the document is JSON with statements before storing it. */
  putPolicy(bucket: string, text: string): void {
    let policy: any;
    try {
      policy = JSON.parse(text);
    } catch {
      throw new AwsError('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
    }
    if (typeof policy !== 'object' || policy === null || Array.isArray(policy))
      throw new AwsError('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
    const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
    if (statements.length === 0) throw new AwsError('MalformedPolicy', 'Missing required field Statement');
    for (const s of statements) {
      if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new AwsError('MalformedPolicy', `Invalid effect: ${String(s.Effect)}`);
      if (s.Principal === undefined && s.NotPrincipal === undefined)
        throw new AwsError('MalformedPolicy', 'Missing required field Principal');
      // Allow statements change nothing a same-account caller can observe; a Deny would, and the
      // local S3 does not enforce it, so it is refused rather than kept without effect. The one
      // exception is the CDK's enforceSSL Deny: the local endpoint stands in for HTTPS.
      const conditions = Object.values<Record<string, unknown>>(s.Condition ?? {}).flatMap((c) => Object.keys(c));
      const secureTransportOnly = conditions.length > 0 && conditions.every((key) => key.toLowerCase() === 'aws:securetransport');
      if (s.Effect === 'Deny' && !secureTransportOnly) {
        throw new AwsError(
          'NotImplemented',
          `The local cloud does not enforce bucket policy Deny statements${s.Sid ? ` (statement ${s.Sid})` : ''}; only a Deny on aws:SecureTransport is accepted. Try this policy with the AWS target.`,
          501,
        );
      }
    }
    this.policies.set(bucket, text);
  }

  getPolicy(bucket: string): string {
    const policy = this.policies.get(bucket);
    if (policy === undefined) throw new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404);
    return policy;
  }

  /** PutBucketTagging: `<Tagging><TagSet><Tag><Key/><Value/></Tag>…`; replaces every tag. */
  putTaggingXml(bucket: string, body: string): void {
    const root = parseXml(body);
    const tags: Record<string, string> = {};
    for (const tag of childrenNamed(root, 'TagSet').flatMap((set) => childrenNamed(set, 'Tag'))) {
      const key = childText(tag, 'Key') ?? '';
      if (key in tags) throw new AwsError('InvalidTag', 'Cannot provide multiple Tags with the same key');
      if (key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidTag', 'System tags cannot be added/updated by requester');
      tags[key] = childText(tag, 'Value') ?? '';
    }
    if (Object.keys(tags).length > 50) throw new AwsError('BadRequest', 'Object tags cannot be greater than 50');
    this.tags.set(bucket, tags);
  }

  getTaggingXml(bucket: string): string {
    const tags = this.tags.get(bucket);
    if (!tags || Object.keys(tags).length === 0) throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404);
    const set = Object.entries(tags)
      .map(([k, v]) => `<Tag><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></Tag>`)
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${set}</TagSet></Tagging>`;
  }

  /** A deleted bucket takes its policy and tags with it. */
  forget(bucket: string): void {
    this.policies.delete(bucket);
    this.tags.delete(bucket);
    this.settings.delete(bucket);
  }
}
