import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { zipSync } from 'fflate';
import { assetsBucket } from './bootstrap.ts';
import type { FileAsset } from './synth.ts';

/** Replaces the placeholders the CDK leaves in asset destinations. */
export function resolvePlaceholders(text: string, accountId: string, region: string): string {
  return text.replaceAll('${AWS::AccountId}', accountId).replaceAll('${AWS::Region}', region).replaceAll('${AWS::Partition}', 'aws');
}

/** Zips a folder reproducibly (sorted entries, fixed timestamps), as the CDK's asset packaging does. */
export function zipFolder(folder: string): Buffer {
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(folder, path).split('\\').join('/')] = [readFileSync(path), { mtime: new Date('1980-01-01T00:00:00Z') }];
    }
  };
  walk(folder);
  return Buffer.from(zipSync(files, { level: 6 }));
}

/**
 * Publishes a stack's file assets to the bootstrap bucket, as `cdk deploy` does before it
 * deploys: an object already there (same content hash in its key) is not uploaded again.
 */
export async function publishAssets(
  s3: S3Client,
  assets: FileAsset[],
  accountId: string,
  region: string,
  report: (message: string) => void,
): Promise<number> {
  let uploaded = 0;
  for (const asset of assets) {
    const Bucket = resolvePlaceholders(asset.bucketName, accountId, region);
    const Key = resolvePlaceholders(asset.objectKey, accountId, region);
    if (asset.path.endsWith('.template.json')) continue; // the template itself goes as TemplateBody
    try {
      await s3.send(new HeadObjectCommand({ Bucket, Key }));
      continue;
    } catch {
      // Not there yet: upload it.
    }
    const body = asset.packaging === 'zip' ? zipFolder(asset.path) : readFileSync(asset.path);
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body }));
    uploaded++;
    report(`Published asset ${Key} (${(body.length / 1024).toFixed(1)} KiB)`);
  }
  return uploaded;
}

/** CloudFormation takes at most this many bytes of template in the request itself. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/**
 * A template too large for TemplateBody goes to the bootstrap bucket first, as `cdk deploy` does
 * (under the key of the template's own asset); the stack is then created from its TemplateURL, a
 * path-style URL on the target's endpoint. Returns undefined when the template fits the request.
 */
export async function publishLargeTemplate(
  s3: S3Client,
  stack: { templateBody: string; assets: FileAsset[] },
  target: { endpoint: string; accountId: string; region: string },
  report: (message: string) => void,
): Promise<string | undefined> {
  const size = Buffer.byteLength(stack.templateBody);
  if (size <= TEMPLATE_BODY_LIMIT) return undefined;
  const asset = stack.assets.find((a) => a.path.endsWith('.template.json'));
  const Bucket = asset
    ? resolvePlaceholders(asset.bucketName, target.accountId, target.region)
    : assetsBucket(target.accountId, target.region);
  const Key = asset
    ? resolvePlaceholders(asset.objectKey, target.accountId, target.region)
    : `${createHash('sha256').update(stack.templateBody).digest('hex')}.json`;
  await s3.send(new PutObjectCommand({ Bucket, Key, Body: stack.templateBody, ContentType: 'application/json' }));
  report(
    `Published the template (${(size / 1024).toFixed(1)} KiB, over CloudFormation's ${TEMPLATE_BODY_LIMIT / 1024} KiB TemplateBody limit) to ${Bucket}`,
  );
  return `${target.endpoint.replace(/\/$/, '')}/${Bucket}/${Key.split('/').map(encodeURIComponent).join('/')}`;
}
