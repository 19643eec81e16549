import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** The CDK's default bootstrap qualifier and the version its templates require at least. */
export const BOOTSTRAP_QUALIFIER = 'hnb659fds';
export const BOOTSTRAP_VERSION = '30';
export const BOOTSTRAP_VERSION_PARAMETER = `/cdk-bootstrap/${BOOTSTRAP_QUALIFIER}/version`;

export function assetsBucket(accountId: string, region: string): string {
  return `cdk-${BOOTSTRAP_QUALIFIER}-assets-${accountId}-${region}`;
}

/**
 * Prepares a fresh local or endpoint target as `cdk bootstrap` prepares an account: the assets
 * bucket and the version parameter the synthesized templates check. Idempotent.
 */
export async function bootstrapEndpoint(s3: S3Client, ssm: SSMClient, accountId: string, region: string): Promise<boolean> {
  let changed = false;
  const Bucket = assetsBucket(accountId, region);
  try {
    await s3.send(new HeadBucketCommand({ Bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket }));
    changed = true;
  }
  try {
    await ssm.send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }));
  } catch {
    await ssm.send(
      new PutParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER, Value: BOOTSTRAP_VERSION, Type: 'String', Overwrite: true }),
    );
    changed = true;
  }
  return changed;
}
