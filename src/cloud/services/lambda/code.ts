import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { AwsError } from '../../aws/errors.ts';

/** Reads S3 objects for function code (the deployer publishes assets to S3 first, as `cdk deploy` does). */
export type ObjectReader = (bucket: string, key: string) => Promise<Buffer>;

export interface FunctionCode {
  sha256: string;
  size: number;
  /** Folder the zip was extracted to; the handler path is relative to it. */
  dir: string;
  location: { bucket?: string; key?: string };
}

/**
 * Makes `root` a module boundary. A function's code runs from its own folder as from /var/task on
 * AWS, where no package.json above it decides the module format: without this file, a project's
 * `"type": "module"` would make a bundled CommonJS handler fail to load.
 */
export async function ensureCodeRoot(root: string): Promise<void> {
  await mkdir(root, { recursive: true });
  const boundary = join(root, 'package.json');
  if (!existsSync(boundary)) await writeFile(boundary, '{ "type": "commonjs" }\n');
}

/**
 * Extractions under way, by folder. Functions deployed at once with the same code (two labs' stacks
 * share a service) wait for one extraction instead of racing over one staging folder.
 */
const extracting = new Map<string, Promise<void>>();

function extractOnce(dir: string, zip: Buffer): Promise<void> {
  let pending = extracting.get(dir);
  if (!pending) {
    pending = extract(dir, zip).finally(() => extracting.delete(dir));
    extracting.set(dir, pending);
  }
  return pending;
}

/** Unzips into a staging folder and renames it into place, so a folder that exists is complete. */
async function extract(dir: string, zip: Buffer): Promise<void> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(zip));
  } catch {
    throw new AwsError(
      'InvalidParameterValueException',
      'Could not unzip uploaded file. Please check your file, then try to upload again.',
    );
  }
  const staging = `${dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const [name, content] of Object.entries(files)) {
      if (name.endsWith('/')) continue;
      const target = normalize(join(staging, name));
      if (!target.startsWith(staging + sep))
        throw new AwsError('InvalidParameterValueException', `The zip holds a path outside the package: ${name}`);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await mkdir(staging, { recursive: true });
    // Another process may have put the same code in place first; its copy is as good as ours.
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(dir) || error instanceof AwsError) throw error;
  }
}

/** Fetches a function's zip (inline or from S3), checks it, and extracts it under `root`. */
export async function prepareCode(code: any, root: string, readObject: ObjectReader): Promise<FunctionCode> {
  await ensureCodeRoot(root);
  let zip: Buffer;
  const location: FunctionCode['location'] = {};
  if (code?.ZipFile) {
    zip = Buffer.from(code.ZipFile, 'base64');
  } else if (code?.S3Bucket && code?.S3Key) {
    location.bucket = code.S3Bucket;
    location.key = code.S3Key;
    try {
      zip = await readObject(code.S3Bucket, code.S3Key);
    } catch (error) {
      throw new AwsError(
        'InvalidParameterValueException',
        `Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: s3://${code.S3Bucket}/${code.S3Key} could not be read (${(error as Error).name}).`,
      );
    }
  } else if (code?.ImageUri) {
    throw new AwsError(
      'InvalidParameterValueException',
      'The local cloud runs zip-packaged Node.js functions only; container images (ImageUri) are not supported.',
    );
  } else {
    throw new AwsError('InvalidParameterValueException', 'Code must contain ZipFile or S3Bucket and S3Key.');
  }
  if (zip.length > 50 * 1024 * 1024)
    throw new AwsError('RequestEntityTooLargeException', 'Request must be smaller than 52428800 bytes for the CreateFunction operation');
  const sha256 = createHash('sha256').update(zip).digest('base64');
  const dir = join(root, createHash('sha256').update(zip).digest('hex').slice(0, 32));
  if (!existsSync(dir)) await extractOnce(dir, zip);
  return { sha256, size: zip.length, dir, location };
}
