import { userInfo } from 'node:os';
import { DEFAULT_REGION, type Target } from '../../labs/kit/target.ts';

export interface TargetOptions {
  target?: string;
  endpoint?: string;
  region?: string;
  prefix?: string;
  cloudPort?: number;
}

/** A learner prefix from the OS user: lowercase letters and digits, short enough for every resource name. */
export function defaultPrefix(user = safeUser()): string {
  const cleaned = user
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 12);
  return /^[a-z]/.test(cleaned) ? cleaned : `l${cleaned}`.slice(0, 12) || 'learner';
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'learner';
  }
}

/** Checks a prefix given by the user; it ends up in every stack and resource name. */
export function validatePrefix(prefix: string): string {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(prefix)) {
    throw new Error(
      `The learner prefix "${prefix}" must be 1–12 lowercase letters and digits, starting with a letter (it becomes part of every resource name).`,
    );
  }
  return prefix;
}

/**
 * Resolves where labs run, from options then the environment. The AWS target is never implied:
 * it takes `--target aws` (or WORKSHOP_TARGET=aws).
 */
export function resolveTarget(options: TargetOptions = {}, env: NodeJS.ProcessEnv = process.env): Target {
  const prefix = validatePrefix(options.prefix ?? env.WORKSHOP_PREFIX ?? defaultPrefix());
  const region =
    options.region ??
    env.WORKSHOP_REGION ??
    (options.target === 'aws' ? (env.AWS_REGION ?? env.AWS_DEFAULT_REGION) : undefined) ??
    DEFAULT_REGION;
  const kind = options.endpoint ? 'endpoint' : (options.target ?? env.WORKSHOP_TARGET ?? 'local');
  if (kind === 'aws') return { kind: 'aws', region, prefix };
  if (kind === 'endpoint') {
    const endpoint = options.endpoint ?? env.WORKSHOP_ENDPOINT;
    if (!endpoint) throw new Error('The endpoint target needs --endpoint http://host:port.');
    return { kind: 'endpoint', endpoint: endpoint.replace(/\/$/, ''), region, prefix };
  }
  if (kind !== 'local') throw new Error(`Unknown target "${kind}": use local (the default), aws, or --endpoint http://host:port.`);
  const port = options.cloudPort ?? Number(env.WORKSHOP_CLOUD_PORT ?? 4566);
  return { kind: 'local', endpoint: `http://localhost:${port}`, region, prefix };
}
