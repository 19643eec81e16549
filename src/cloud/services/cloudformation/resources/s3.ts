import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchBucket,
} from '@aws-sdk/client-s3';
import { AwsError } from '../../../aws/errors.ts';
import type { BucketSettings, LifecycleRule } from '../../s3/bucket-settings.ts';
import {
  configurationFromJson,
  eventBridgeNotSupported,
  type NotificationConfiguration,
  type NotificationRule,
} from '../../s3/notification-config.ts';
import { type ProviderContext, type ResourceProvider, tagList } from './provider.ts';

// LIMITATIONS: buckets have names, tags, notifications, policies (stored, not enforced) and the
// settings the CDK's bootstrap bucket uses: default encryption, versioning, a public access
// block and lifecycle rules, kept and returned by S3 as s3/bucket-settings.ts describes (the
// local S3 encrypts nothing, keeps one version per object and runs no lifecycle rule). CORS,
// websites, replication, other canned ACLs than Private and the other bucket properties are
// refused by name. Custom::S3BucketNotifications and Custom::S3AutoDeleteObjects (the CDK's
// custom resources) are applied here natively instead of through their handlers.

const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

async function bucketExists(context: ProviderContext, Bucket: string): Promise<boolean> {
  try {
    await context.services.s3.send(new HeadBucketCommand({ Bucket }));
    return true;
  } catch {
    return false;
  }
}

/** AWS::S3::Bucket's NotificationConfiguration (one Event per entry, S3Key.Rules) in the API's shape. */
function apiNotificationShape(cfn: any): any {
  const filter = (f: any) => (f?.S3Key?.Rules ? { Key: { FilterRules: f.S3Key.Rules } } : undefined);
  const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
  if (cfn?.EventBridgeConfiguration !== undefined && String(cfn.EventBridgeConfiguration.EventBridgeEnabled) === 'true')
    throw eventBridgeNotSupported();
  return {
    QueueConfigurations: list(cfn?.QueueConfigurations).map((c) => ({ QueueArn: c.Queue, Events: [c.Event], Filter: filter(c.Filter) })),
    TopicConfigurations: list(cfn?.TopicConfigurations).map((c) => ({ TopicArn: c.Topic, Events: [c.Event], Filter: filter(c.Filter) })),
    LambdaFunctionConfigurations: list(cfn?.LambdaConfigurations).map((c) => ({
      LambdaFunctionArn: c.Function,
      Events: [c.Event],
      Filter: filter(c.Filter),
    })),
  };
}

const bucketAttributes = (name: string, region: string) => ({
  Arn: `arn:aws:s3:::${name}`,
  DomainName: `${name}.s3.amazonaws.com`,
  RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
  DualStackDomainName: `${name}.s3.dualstack.${region}.amazonaws.com`,
  WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
});

const truth = (value: unknown) => value === true || value === 'true';
const invalid = (message: string) => new AwsError('ValidationError', message);

/** A lifecycle rule of AWS::S3::Bucket in the S3 API's terms; rules the local cloud cannot keep are refused by name. */
function lifecycleRule(rule: Record<string, any>): LifecycleRule {
  const known = [
    'Id',
    'Status',
    'Prefix',
    'ExpirationInDays',
    'ExpiredObjectDeleteMarker',
    'NoncurrentVersionExpiration',
    'NoncurrentVersionExpirationInDays',
    'AbortIncompleteMultipartUpload',
  ];
  const unknown = Object.keys(rule).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    throw invalid(
      `Lifecycle rule properties [${unknown.join(', ')}] are not supported by the local cloud (it keeps: ${known.join(', ')}).`,
    );
  if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled')
    throw invalid(`Lifecycle rule ${rule.Id ?? ''} needs a Status of Enabled or Disabled.`);
  const noncurrentDays = rule.NoncurrentVersionExpiration?.NoncurrentDays ?? rule.NoncurrentVersionExpirationInDays;
  const expiration = rule.ExpirationInDays !== undefined || rule.ExpiredObjectDeleteMarker !== undefined;
  return {
    ID: rule.Id,
    Status: rule.Status,
    Filter: { Prefix: rule.Prefix ?? '' },
    Expiration: expiration
      ? {
          Days: rule.ExpirationInDays === undefined ? undefined : Number(rule.ExpirationInDays),
          ExpiredObjectDeleteMarker: rule.ExpiredObjectDeleteMarker === undefined ? undefined : truth(rule.ExpiredObjectDeleteMarker),
        }
      : undefined,
    NoncurrentVersionExpiration:
      noncurrentDays === undefined
        ? undefined
        : {
            NoncurrentDays: Number(noncurrentDays),
            NewerNoncurrentVersions:
              rule.NoncurrentVersionExpiration?.NewerNoncurrentVersions === undefined
                ? undefined
                : Number(rule.NoncurrentVersionExpiration.NewerNoncurrentVersions),
          },
    AbortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload
      ? { DaysAfterInitiation: Number(rule.AbortIncompleteMultipartUpload.DaysAfterInitiation) }
      : undefined,
  };
}

/** The bucket settings AWS::S3::Bucket's properties describe (undefined members: S3's defaults). */
function settingsOf(props: Record<string, any>): BucketSettings {
  if (props.AccessControl !== undefined && props.AccessControl !== 'Private') {
    throw invalid(
      `AccessControl ${props.AccessControl} is not supported by the local cloud: its buckets are private (AccessControl Private).`,
    );
  }
  const rules = props.BucketEncryption?.ServerSideEncryptionConfiguration ?? [];
  const byDefault = rules[0]?.ServerSideEncryptionByDefault;
  if (rules.length > 1) throw invalid('BucketEncryption takes one ServerSideEncryptionConfiguration rule.');
  if (byDefault && !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(byDefault.SSEAlgorithm))
    throw invalid(`SSEAlgorithm ${byDefault.SSEAlgorithm} is not one of AES256, aws:kms, aws:kms:dsse.`);
  const versioning = props.VersioningConfiguration?.Status;
  if (versioning !== undefined && versioning !== 'Enabled' && versioning !== 'Suspended')
    throw invalid(`VersioningConfiguration Status ${versioning} is not one of Enabled, Suspended.`);
  const block = props.PublicAccessBlockConfiguration;
  return {
    encryption: byDefault
      ? {
          algorithm: byDefault.SSEAlgorithm,
          kmsKeyId: byDefault.KMSMasterKeyID,
          bucketKeyEnabled: rules[0].BucketKeyEnabled === undefined ? undefined : truth(rules[0].BucketKeyEnabled),
        }
      : undefined,
    versioning,
    publicAccessBlock: block
      ? {
          BlockPublicAcls: truth(block.BlockPublicAcls),
          IgnorePublicAcls: truth(block.IgnorePublicAcls),
          BlockPublicPolicy: truth(block.BlockPublicPolicy),
          RestrictPublicBuckets: truth(block.RestrictPublicBuckets),
        }
      : undefined,
    lifecycle: props.LifecycleConfiguration?.Rules?.map(lifecycleRule),
  };
}

/** AWS::S3::Bucket, in fauxqs through the S3 API; tags, notifications and settings kept beside it. */
export const s3Bucket: ResourceProvider = {
  properties: [
    'BucketName',
    'Tags',
    'NotificationConfiguration',
    'AccessControl',
    'BucketEncryption',
    'PublicAccessBlockConfiguration',
    'VersioningConfiguration',
    'LifecycleConfiguration',
  ],
  replaceOn: ['BucketName'],
  async create(props, context) {
    const name = props.BucketName ?? context.generateName(63, { lowercase: true });
    if (!BUCKET_NAME.test(name)) throw new AwsError('InvalidBucketName', `The specified bucket is not valid: ${name}`);
    settingsOf(props);
    if (await bucketExists(context, name)) throw new AwsError('BucketAlreadyOwnedByYou', `${name} already exists`, 409);
    await context.services.s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3Bucket.update!({ physicalId: name }, props, {}, context);
    return { physicalId: name, attributes: bucketAttributes(name, context.region) };
  },
  async update(current, props, previous, context) {
    const bucket = current.physicalId;
    context.services.s3Buckets.settings.set(bucket, settingsOf(props));
    context.services.s3Buckets.tags.set(bucket, { ...context.tags, ...tagList(props.Tags) });
    if (JSON.stringify(props.NotificationConfiguration) !== JSON.stringify(previous.NotificationConfiguration)) {
      await context.services.s3Notifications.put(bucket, configurationFromJson(apiNotificationShape(props.NotificationConfiguration)));
    }
    return { physicalId: bucket, attributes: bucketAttributes(bucket, context.region) };
  },
  async adopt(props, context) {
    const name = props.BucketName;
    return name && (await bucketExists(context, name))
      ? { physicalId: name, attributes: bucketAttributes(name, context.region) }
      : undefined;
  },
  async delete(current, _props, context) {
    try {
      // fauxqs refuses a bucket with objects (BucketNotEmpty), as S3 does.
      await context.services.s3.send(new DeleteBucketCommand({ Bucket: current.physicalId }));
    } catch (error) {
      if (!(error instanceof NoSuchBucket)) throw error;
    }
    context.services.s3Notifications.forget(current.physicalId);
    context.services.s3Buckets.forget(current.physicalId);
  },
};

/** AWS::S3::BucketPolicy: stored with the bucket and returned by GetBucketPolicy (not enforced). */
export const s3BucketPolicy: ResourceProvider = {
  properties: ['Bucket', 'PolicyDocument'],
  replaceOn: ['Bucket'],
  async create(props, context) {
    const bucket = String(props.Bucket);
    if (!(await bucketExists(context, bucket))) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    context.services.s3Buckets.putPolicy(
      bucket,
      typeof props.PolicyDocument === 'string' ? props.PolicyDocument : JSON.stringify(props.PolicyDocument),
    );
    return { physicalId: `${context.stackName}-${context.logicalId}` };
  },
  async update(current, props, _previous, context) {
    await s3BucketPolicy.create(props, context);
    return current;
  },
  async delete(_current, props, context) {
    context.services.s3Buckets.policies.delete(String(props.Bucket));
  },
};

const sameRule = (a: NotificationRule, b: NotificationRule) =>
  a.kind === b.kind &&
  a.arn === b.arn &&
  a.prefix === b.prefix &&
  a.suffix === b.suffix &&
  JSON.stringify([...a.events].sort()) === JSON.stringify([...b.events].sort());

/**
 * The configuration a Custom::S3BucketNotifications leaves on its bucket. Managed (the CDK's
 * default): exactly its own. Unmanaged: the bucket's other configurations stay, its previous
 * ones are replaced by its new ones, as the CDK's handler merges them.
 */
function mergedConfiguration(
  current: NotificationConfiguration,
  previous: NotificationConfiguration,
  next: NotificationConfiguration,
  managed: boolean,
): NotificationConfiguration {
  if (managed) return next;
  const others = current.rules.filter((r) => !previous.rules.some((p) => sameRule(p, r)) && !next.rules.some((n) => sameRule(n, r)));
  return { rules: [...others, ...next.rules] };
}

const managedOf = (props: Record<string, any>) => props.Managed === undefined || String(props.Managed) === 'true';
const parsedOf = (props: Record<string, any>) => configurationFromJson(props.NotificationConfiguration ?? {});

/**
 * Custom::S3BucketNotifications, what the CDK's `bucket.addEventNotification` synthesizes. On
 * AWS an inline Python function (BucketNotificationsHandler…) applies it; the local cloud runs
 * no Python, so it applies the configuration itself through the notification service, with the
 * same validation and test events.
 */
export const s3BucketNotifications: ResourceProvider = {
  properties: ['ServiceToken', 'BucketName', 'NotificationConfiguration', 'Managed', 'SkipDestinationValidation'],
  replaceOn: ['BucketName'],
  async create(props, context) {
    await applyNotifications(props, {}, context);
    return { physicalId: `${String(props.BucketName)}-notifications` };
  },
  async update(current, props, previous, context) {
    await applyNotifications(props, previous, context);
    return current;
  },
  async delete(_current, props, context) {
    const notifications = context.services.s3Notifications;
    const bucket = String(props.BucketName);
    if (!(await bucketExists(context, bucket))) return;
    const current = await notifications.get(bucket);
    const left = managedOf(props)
      ? { rules: [] }
      : { rules: current.rules.filter((r) => !parsedOf(props).rules.some((p) => sameRule(p, r))) };
    await notifications.put(bucket, left, true);
  },
};

async function applyNotifications(props: Record<string, any>, previous: Record<string, any>, context: ProviderContext): Promise<void> {
  const notifications = context.services.s3Notifications;
  const bucket = String(props.BucketName);
  const next = mergedConfiguration(
    await notifications.get(bucket),
    previous.NotificationConfiguration ? parsedOf(previous) : { rules: [] },
    parsedOf(props),
    managedOf(props),
  );
  await notifications.put(bucket, next, String(props.SkipDestinationValidation) === 'true');
}

/** Deletes every object of a bucket (fauxqs lists no multipart uploads: unfinished ones still block deletion). */
async function emptyBucket(context: ProviderContext, Bucket: string): Promise<void> {
  const s3 = context.services.s3;
  for (let token: string | undefined, more = true; more; ) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: token }));
    const Objects = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (Objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
    token = page.NextContinuationToken;
    more = Boolean(page.IsTruncated && token);
  }
}

/**
 * Custom::S3AutoDeleteObjects, what `autoDeleteObjects: true` synthesizes: on delete the bucket
 * is emptied so it can be deleted. Its CDK handler replies to CloudFormation over HTTPS, which
 * cannot reach the local cloud, so this is done natively (the handler function still deploys).
 * As the CDK's handler does, only a bucket tagged `aws-cdk:auto-delete-objects=true` is emptied.
 */
export const s3AutoDeleteObjects: ResourceProvider = {
  properties: ['ServiceToken', 'BucketName'],
  async create(props) {
    return { physicalId: `${String(props.BucketName)}-auto-delete-objects` };
  },
  async update(current, props, previous, context) {
    // A replaced bucket is emptied so CloudFormation can delete it afterwards.
    if (previous.BucketName && previous.BucketName !== props.BucketName) await s3AutoDeleteObjects.delete(current, previous, context);
    return current;
  },
  async delete(_current, props, context) {
    const bucket = String(props.BucketName);
    if (!(await bucketExists(context, bucket))) return;
    if (context.services.s3Buckets.tags.get(bucket)?.['aws-cdk:auto-delete-objects'] !== 'true') return;
    await emptyBucket(context, bucket);
  },
};
