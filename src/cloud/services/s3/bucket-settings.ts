import { AwsError } from '../../aws/errors.ts';
import { toXml } from '../../aws/xml.ts';

// LIMITATIONS: these bucket settings are kept and returned as written (GetBucketEncryption,
// GetBucketVersioning, GetPublicAccessBlock, GetBucketLifecycleConfiguration), set through
// CloudFormation; the S3 API's own Put calls for them are refused. The local S3 writes objects
// unencrypted to this machine's disk, keeps one version of each object (the version APIs are
// refused), runs no lifecycle rule (the shortest acts after a day) and serves no one but this
// machine, so there is no public access to block.

/** The settings of one bucket that fauxqs does not keep. */
export interface BucketSettings {
  /** Default encryption: AES256 (S3's own keys) unless set otherwise. */
  encryption?: { algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse'; kmsKeyId?: string; bucketKeyEnabled?: boolean };
  versioning?: 'Enabled' | 'Suspended';
  publicAccessBlock?: { BlockPublicAcls: boolean; IgnorePublicAcls: boolean; BlockPublicPolicy: boolean; RestrictPublicBuckets: boolean };
  lifecycle?: LifecycleRule[];
}

/** A lifecycle rule in the S3 API's terms. */
export interface LifecycleRule {
  ID?: string;
  Status: 'Enabled' | 'Disabled';
  Filter: { Prefix?: string };
  Expiration?: { Days?: number; ExpiredObjectDeleteMarker?: boolean };
  NoncurrentVersionExpiration?: { NoncurrentDays?: number; NewerNoncurrentVersions?: number };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const document = (name: string, inner: Record<string, unknown> | unknown[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${toXml(name, inner).replace(`<${name}>`, `<${name} xmlns="${XMLNS}">`)}`;

/** The XML of GetBucketEncryption. Every bucket has default encryption, as on AWS since 2023. */
export function encryptionXml(settings: BucketSettings | undefined): string {
  const encryption = settings?.encryption ?? { algorithm: 'AES256' };
  const rule = {
    ApplyServerSideEncryptionByDefault: { SSEAlgorithm: encryption.algorithm, KMSMasterKeyID: encryption.kmsKeyId },
    BucketKeyEnabled: encryption.bucketKeyEnabled ?? false,
  };
  return document('ServerSideEncryptionConfiguration', { Rule: rule });
}

/** The XML of GetBucketVersioning: no Status for a bucket that was never versioned. */
export function versioningXml(settings: BucketSettings | undefined): string {
  return settings?.versioning
    ? document('VersioningConfiguration', { Status: settings.versioning })
    : `<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="${XMLNS}"/>`;
}

export function publicAccessBlockXml(settings: BucketSettings | undefined): string {
  if (!settings?.publicAccessBlock)
    throw new AwsError('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', 404);
  return document('PublicAccessBlockConfiguration', settings.publicAccessBlock);
}

export function lifecycleXml(settings: BucketSettings | undefined): string {
  if (!settings?.lifecycle?.length) throw new AwsError('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404);
  // Each rule is a <Rule> element directly in the configuration (a flattened list).
  const rules = settings.lifecycle.map((rule) => toXml('Rule', rule)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<LifecycleConfiguration xmlns="${XMLNS}">${rules}</LifecycleConfiguration>`;
}
