/**
 * Where a lab runs. Every AWS call a lab makes (deployer, snippets, checkpoints, handlers) goes
 * through the public API of this target with the unmodified AWS SDK v3.
 */
export type TargetKind = 'local' | 'aws' | 'endpoint';

export interface Target {
  /** `local`: the embedded cloud; `aws`: a real account; `endpoint`: any AWS-compatible endpoint. */
  kind: TargetKind;
  /** Base URL of the cloud's endpoint (local and endpoint targets only). */
  endpoint?: string;
  /** AWS region the lab's resources live in. */
  region: string;
  /** Per-learner prefix carried by every resource name, so learners sharing an account never collide. */
  prefix: string;
}

/** Credentials the local cloud accepts; it checks the signature's shape, never the secret. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Default endpoint of the embedded local cloud. */
export const DEFAULT_LOCAL_ENDPOINT = 'http://localhost:4566';

/** Default region of local targets. */
export const DEFAULT_REGION = 'us-east-1';

/**
 * Where AWS SDK clients of the aws target are sent instead of AWS, if somewhere else: the SDK's
 * own AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL (for example a local cloud standing in for
 * an account). The SDK applies it by itself; the kit needs it where no SDK client is involved.
 */
export function awsEndpointOverride(service: string, env: Record<string, string | undefined> = process.env): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? env.AWS_ENDPOINT_URL;
}

/** Whether a URL names this machine, where an AWS-compatible emulator has no per-bucket or per-API host names. */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return ['localhost', '127.0.0.1', '[::1]'].includes(host) || host.endsWith('.localhost');
}

/** The CloudFormation stack name of a lab for a learner, e.g. `alice-lab-1`. */
export function stackNameFor(target: Pick<Target, 'prefix'>, labId: string): string {
  return `${target.prefix}-${labId}`;
}
