import net from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientFor } from '../../labs/kit/clients.ts';
import type { Target } from '../../labs/kit/target.ts';
import { bootstrapStatus } from './aws/account.ts';

/** One check of the preflight: what was checked, whether it passed, a short fact, and the fix. */
export interface PreflightCheck {
  id: string;
  title: string;
  ok: boolean;
  /** A version, a port, an account id: never a credential or an ARN. */
  detail?: string;
  fix?: string;
}

export interface PreflightResult {
  ok: boolean;
  node: string;
  target: { kind: Target['kind']; region: string; prefix: string };
  checks: PreflightCheck[];
}

/** The ports a workshop on this machine uses besides the cloud's. */
export interface WorkshopPorts {
  site: number;
  api: number;
}

export const MIN_NODE_MAJOR = 22;

/**
 * Checks what the workshop needs on this machine and target (what `npx workshop doctor` prints
 * and what a class's dashboard shows): Node.js; for the local target, the ports (free, or already
 * the workshop's) and the local cloud answering; for AWS, credentials, region and CDK bootstrap.
 */
export async function preflight(
  target: Target,
  options: { ports?: WorkshopPorts /** Run by the workshop's own lab API: its ports are its own. */; insideWorkshop?: boolean } = {},
): Promise<PreflightResult> {
  const ports = options.ports ?? defaultPorts();
  const checks: PreflightCheck[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({
    id: 'node',
    title: `Node.js ${MIN_NODE_MAJOR} or newer runs the workshop`,
    ok: major >= MIN_NODE_MAJOR,
    detail: `Node.js ${process.versions.node}`,
    fix: 'Run it through npx workshop or the npm scripts, which use the Node.js the project installs (npm install).',
  });
  if (target.kind === 'local') {
    const cloudPort = Number(new URL(target.endpoint!).port || 80);
    if (options.insideWorkshop) {
      checks.push({
        id: 'workshop',
        title: 'The workshop runs (site and lab API)',
        ok: true,
        detail: `lab API on ${ports.api}, site on ${ports.site}`,
      });
    } else {
      checks.push(
        await portCheck('site-port', 'the site', ports.site, `http://localhost:${ports.site}/api/health`, isLabApi, 'WORKSHOP_SITE_PORT'),
      );
      checks.push(
        await portCheck('api-port', 'the lab API', ports.api, `http://127.0.0.1:${ports.api}/api/health`, isLabApi, 'WORKSHOP_API_PORT'),
      );
    }
    checks.push(
      await portCheck(
        'cloud-port',
        'the local cloud',
        cloudPort,
        `${target.endpoint}/_workshop/health`,
        isLocalCloud,
        'WORKSHOP_CLOUD_PORT',
      ),
    );
  }
  checks.push(await targetCheck(target));
  if (target.kind === 'aws') {
    const regionOk = /^[a-z]{2}(-[a-z]+)+-\d+$/.test(target.region);
    checks.push({
      id: 'region',
      title: 'An AWS region is chosen',
      ok: regionOk,
      detail: target.region,
      fix: 'Choose one with --region, AWS_REGION or aws configure (for example eu-west-1).',
    });
    checks.push(await bootstrapCheck(target));
  }
  return {
    ok: checks.every((c) => c.ok),
    node: process.versions.node,
    target: { kind: target.kind, region: target.region, prefix: target.prefix },
    checks,
  };
}

function defaultPorts(env = process.env): WorkshopPorts {
  return { site: Number(env.WORKSHOP_SITE_PORT ?? 3000), api: Number(env.WORKSHOP_API_PORT ?? 3001) };
}

const isLabApi = (body: unknown) => (body as { ok?: unknown })?.ok === true && typeof (body as { target?: unknown }).target === 'object';
const isLocalCloud = (body: unknown) =>
  (body as { status?: unknown })?.status === 'ok' && Array.isArray((body as { services?: unknown }).services);

/** A port is fine when it is free, or when the workshop already answers on it. */
async function portCheck(
  id: string,
  what: string,
  port: number,
  url: string,
  isWorkshop: (body: unknown) => boolean,
  variable: string,
): Promise<PreflightCheck> {
  const title = `Port ${port} is free for ${what}, or ${what} runs on it`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (isWorkshop(await response.json().catch(() => undefined))) return { id, title, ok: true, detail: `${what} answers on ${port}` };
  } catch {
    // nothing answers as the workshop: is the port free?
  }
  if (await portFree(port)) return { id, title, ok: true, detail: `${port} is free` };
  return {
    id,
    title,
    ok: false,
    detail: `another program uses port ${port}`,
    fix: `Stop the program on port ${port}, or give the workshop another port: ${variable}=<port> npm start.`,
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, 'localhost', () => probe.close(() => resolve(true)));
  });
}

async function targetCheck(target: Target): Promise<PreflightCheck> {
  const local = target.kind !== 'aws';
  const title = local
    ? `The ${target.kind === 'local' ? 'local cloud' : 'endpoint'} answers`
    : 'AWS credentials work (STS GetCallerIdentity)';
  try {
    const identity = await clientFor(STSClient, target).send(new GetCallerIdentityCommand({}));
    return {
      id: 'target',
      title,
      ok: true,
      detail: local ? `${target.endpoint}, account ${identity.Account}` : `account ${identity.Account}`,
    };
  } catch (error) {
    const refused =
      /ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? (error as Error).message)) ||
      (error as { code?: string }).code === 'ECONNREFUSED';
    return {
      id: 'target',
      title,
      ok: false,
      detail: refused ? `nothing answers at ${target.endpoint}` : (error as Error).name,
      fix:
        target.kind === 'local'
          ? 'Start the local cloud: npm start (everything) or npx workshop up (the cloud alone).'
          : target.kind === 'aws'
            ? 'Configure credentials (aws configure, AWS_PROFILE or environment variables) and try again.'
            : 'Check the endpoint URL and that it is running.',
    };
  }
}

async function bootstrapCheck(target: Target): Promise<PreflightCheck> {
  const title = 'The account is bootstrapped for the CDK in this region';
  const fix = `Bootstrap it once: npx workshop bootstrap --target aws --region ${target.region}`;
  try {
    const status = await bootstrapStatus(target);
    const ok = Boolean(status && !status.startsWith('DELETE') && !status.endsWith('FAILED'));
    return { id: 'bootstrap', title, ok, detail: status ? `CDKToolkit is ${status}` : 'no CDKToolkit stack', fix };
  } catch (error) {
    return { id: 'bootstrap', title, ok: false, detail: `could not look: ${(error as Error).name}`, fix };
  }
}
