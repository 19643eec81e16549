import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { ActivityCounter } from '../api/activity.ts';
import { createLabApi } from '../api/app.ts';
import { serveOnLoopback } from '../api/node-server.ts';
import { ProgressStore } from '../api/progress-store.ts';
import { accessPolicy } from '../api/security.ts';
import { type RunningCloud, startCloud } from '../cloud/cloud.ts';
import { listen } from '../cloud/gateway/listener.ts';
import { LabEngine } from '../engine/engine.ts';
import { PROJECT_ROOT, STATE_DIR } from '../engine/paths.ts';
import { preflight } from '../engine/preflight.ts';
import { resolveTarget } from '../engine/target.ts';
import { learnerClassroom } from './learner.ts';
import { bold, dim, green, red } from './print.ts';

/** Starts the local cloud on `port` with the project's state folder. */
export async function startLocalCloud(port = Number(process.env.WORKSHOP_CLOUD_PORT ?? 4566)): Promise<RunningCloud> {
  const started = performance.now();
  // Queue gauges sampled every second: the lab pages chart them live (AWS: once a minute).
  const cloud = await startCloud({ port, dataDir: join(STATE_DIR, 'cloud'), metricsIntervalMs: 1_000 });
  console.log(`${green('●')} Local cloud ready at ${bold(cloud.endpoint)} ${dim(`(${Math.round(performance.now() - started)} ms)`)}`);
  return cloud;
}

function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(dim('\nStopping…'));
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** `workshop up`: the local cloud alone, until Ctrl-C. */
export async function up(options: { port?: number }): Promise<void> {
  const cloud = await failWith(startLocalCloud(options.port));
  console.log(dim(`Point any AWS SDK or the AWS CLI at it: AWS_ENDPOINT_URL=${cloud.endpoint} (any credentials). Ctrl-C stops it.`));
  onShutdown(() => cloud.stop());
}

/** Fails with a message naming the port and how to choose another when `port` is taken. */
async function ensurePortFree(port: number, what: string, hint: string): Promise<void> {
  const probe = net.createServer();
  await listen(probe, port, 'localhost', what, hint);
  await new Promise((resolve) => probe.close(resolve));
}

/** The site's development server (Docusaurus), proxying /api to the lab API. */
export function startSite(options: { port: number; apiPort: number; stdio?: 'inherit' | 'ignore'; siteDir?: string }): ChildProcess {
  return spawn(
    process.execPath,
    [
      join(PROJECT_ROOT, 'node_modules', '@docusaurus', 'core', 'bin', 'docusaurus.mjs'),
      'start',
      ...(options.siteDir ? [options.siteDir] : []),
      '--port',
      String(options.port),
      '--host',
      'localhost',
      '--no-open',
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit'],
      env: { ...process.env, WORKSHOP_API_PORT: String(options.apiPort), BROWSER: 'none' },
    },
  );
}

/** Resolves once `url` answers 200, or rejects when `site` exits first or `timeoutMs` passes. */
export async function waitForSite(url: string, site: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  site.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`The site stopped before it answered at ${url}.`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The site did not answer at ${url} within ${timeoutMs / 1000} s.`);
}

/** `npm start`: the local cloud, the lab API and the site, until Ctrl-C. */
export async function startWorkshop(options: { cloudPort?: number; apiPort?: number; sitePort?: number }): Promise<void> {
  const sitePort = options.sitePort ?? Number(process.env.WORKSHOP_SITE_PORT ?? 3000);
  const apiPort = options.apiPort ?? Number(process.env.WORKSHOP_API_PORT ?? 3001);
  const cloud = await failWith(startLocalCloud(options.cloudPort));
  const classroom = learnerClassroom();
  const engine = new LabEngine(resolveTarget({ cloudPort: cloud.port }), undefined, { classroom });
  // The learner's checkpoint results and the counts behind the cost panel survive a restart.
  const progress = new ProgressStore(join(STATE_DIR, 'progress.json'));
  const activity = new ActivityCounter(join(STATE_DIR, 'activity.json'));
  activity.start(cloud.endpoint);
  const api = await failWith(
    serveOnLoopback(
      createLabApi({ engine, access: accessPolicy(sitePort, apiPort), classroom, progress, activity }).fetch,
      apiPort,
      'WORKSHOP_API_PORT=<port> (or --api-port)',
    ),
    () => cloud.stop(),
  );
  console.log(`${green('●')} Lab API on ${bold(`http://127.0.0.1:${api.port}`)} ${dim(`(target: local, prefix ${engine.target.prefix})`)}`);
  const stopSending = classroom.keepSending();
  const membership = classroom.membership();
  if (membership) {
    console.log(
      `${green('●')} In the class ${bold(`"${membership.className}"`)} as ${membership.name} ${dim('(results go to your instructor; npx workshop leave stops it)')}`,
    );
    // The instructor's dashboard shows this machine as it is now, with the workshop running.
    void preflight(engine.target, { ports: { site: sitePort, api: api.port }, insideWorkshop: true }).then((result) =>
      classroom.preflight(result),
    );
  }
  await failWith(ensurePortFree(sitePort, 'the site', 'WORKSHOP_SITE_PORT=<port> (or --site-port)'), async () => {
    await api.close();
    await cloud.stop();
  });
  const started = performance.now();
  const site = startSite({ port: sitePort, apiPort: api.port });
  console.log(`${green('●')} Site starting at ${bold(`http://localhost:${sitePort}`)} ${dim('(Ctrl-C stops everything)')}`);
  const stop = async () => {
    stopSending();
    site.kill('SIGTERM');
    activity.stop();
    await api.close();
    await cloud.stop();
  };
  site.on('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(
        red(`The site stopped (exit ${code}). If port ${sitePort} is taken, choose another: WORKSHOP_SITE_PORT=<port> npm start`),
      );
      void stop().then(() => process.exit(1));
    }
  });
  onShutdown(stop);
  waitForSite(`http://localhost:${sitePort}/`, site, 300_000).then(
    () =>
      console.log(
        `${green('●')} Site ready at ${bold(`http://localhost:${sitePort}`)} ${dim(`(${((performance.now() - started) / 1000).toFixed(1)} s)`)}`,
      ),
    () => undefined,
  );
}

async function failWith<T>(promise: Promise<T>, cleanup?: () => Promise<void>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    console.error(red((error as Error).message));
    await cleanup?.();
    process.exit(1);
  }
}
