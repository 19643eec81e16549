// One site dev server for every browser test file of a run. Starting `docusaurus start` costs
// about 19 s of CPU (webpack compiling the whole site); each browser test file used to start its
// own. `npm test` starts one in its global setup (--test-global-setup=tests/browser/shared-site.ts)
// while the first test files run, and every browser test file opens its pages there.
//
// The dev server is the one npm start runs, proxying /api to one port: here a small router in
// the test runner's process, which passes each request on to the lab API of the test file whose
// browser sent it (named by a cookie each file's pages carry), so every file still has a lab API,
// a local cloud and a progress store of its own. Run alone (`node --test tests/browser/x.test.ts`),
// a file starts its own dev server as before.
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/engine/paths.ts';

/** The variable through which the global setup tells the test files where the shared site is. */
export const SHARED_SITE_VARIABLE = 'WORKSHOP_TEST_SITE';
/** The cookie naming the port of the lab API a page's /api requests go to. */
export const LAB_API_COOKIE = 'workshop-test-lab-api';
/** Path on the router that says whether the shared site is up: 200 ready, 202 starting, 500 failed. */
const STATUS_PATH = '/__shared-site';
/** `docusaurus start` compiles the whole site before it answers; on a busy 2-core machine that took minutes. */
const START_TIMEOUT_MS = 300_000;

export interface SharedSite {
  siteUrl: string;
  sitePort: number;
  statusUrl: string;
}

/** The shared site of this run, if the global setup started one. */
export function sharedSite(): SharedSite | undefined {
  const value = process.env[SHARED_SITE_VARIABLE];
  return value ? (JSON.parse(value) as SharedSite) : undefined;
}

/** The pages and the files that list them are copied: Docusaurus names a page after its path under the site's folder, which a link would resolve elsewhere. */
const COPIED = ['docs', 'sidebars.ts', 'docusaurus.config.ts'];

/**
 * The site's folder as one dev server or build of a test sees it: links to the project's files,
 * with its own `.docusaurus` folder. Each server writes its own settings (its lab API's port)
 * into `.docusaurus`; a second server sharing that folder would make the first one rebuild and
 * reload its open pages in the middle of a test. `remove` deletes the copy.
 */
export function siteMirror(): { dir: string; remove: () => void } {
  mkdirSync(join(PROJECT_ROOT, '.workshop'), { recursive: true });
  const dir = mkdtempSync(join(PROJECT_ROOT, '.workshop', 'test-site-'));
  for (const entry of readdirSync(PROJECT_ROOT)) {
    if (['.docusaurus', '.workshop', '.git', 'build'].includes(entry)) continue;
    if (COPIED.includes(entry)) cpSync(join(PROJECT_ROOT, entry), join(dir, entry), { recursive: true });
    else symlinkSync(join(PROJECT_ROOT, entry), join(dir, entry));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The lab API port a request's cookie names, if any. */
function labApiPort(req: http.IncomingMessage): number | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === LAB_API_COOKIE && /^\d+$/.test(value ?? '')) return Number(value);
  }
  return undefined;
}

/** Passes a request on to the lab API its cookie names, streaming both ways (progress and events arrive as they happen). */
function route(req: http.IncomingMessage, res: http.ServerResponse, status: () => { code: number; detail: string }): void {
  if (req.url === STATUS_PATH) {
    const { code, detail } = status();
    res.writeHead(code, { 'content-type': 'text/plain' }).end(detail);
    return;
  }
  const port = labApiPort(req);
  if (!port) {
    res
      .writeHead(502, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: `No ${LAB_API_COOKIE} cookie: open pages with the browser siteInBrowser returns.` }));
    return;
  }
  const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `The lab API on port ${port} did not answer: ${error.message}` }));
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

let running: { site: ChildProcess; router: http.Server; mirror: { remove: () => void } } | undefined;

/** Starts the router and the dev server, without waiting for the site to compile: the test files wait for it. */
export async function globalSetup(): Promise<void> {
  const { startSite } = await import('../../src/cli/serve.ts');
  let state = { code: 202, detail: 'the site is compiling' };
  const router = http.createServer((req, res) => route(req, res, () => state));
  await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve));
  const apiPort = (router.address() as net.AddressInfo).port;
  const mirror = siteMirror();
  const sitePort = await new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const site = startSite({ port: sitePort, apiPort, stdio: 'ignore', siteDir: mirror.dir });
  running = { site, router, mirror };
  const siteUrl = `http://localhost:${sitePort}`;
  site.once('exit', (code, signal) => {
    if (state.code !== 200) state = { code: 500, detail: `the site's dev server exited (${code ?? signal}) before it answered` };
  });
  // The runner's process stays free for the tests: the site is watched from here, in the background.
  void (async () => {
    for (const deadline = Date.now() + START_TIMEOUT_MS; state.code === 202; await new Promise((r) => setTimeout(r, 250))) {
      if (Date.now() > deadline) state = { code: 500, detail: `the site did not answer at ${siteUrl} within ${START_TIMEOUT_MS / 1000} s` };
      else if ((await fetch(`${siteUrl}/`).catch(() => undefined))?.ok) state = { code: 200, detail: 'ready' };
    }
  })();
  process.env[SHARED_SITE_VARIABLE] = JSON.stringify({
    siteUrl,
    sitePort,
    statusUrl: `http://127.0.0.1:${apiPort}${STATUS_PATH}`,
  } satisfies SharedSite);
}

export async function globalTeardown(): Promise<void> {
  if (!running) return;
  const { site, router, mirror } = running;
  running = undefined;
  if (site.exitCode === null && site.signalCode === null) {
    const exited = new Promise((resolve) => site.once('exit', resolve));
    site.kill('SIGTERM');
    await exited;
  }
  router.closeAllConnections();
  await new Promise((resolve) => router.close(resolve));
  mirror.remove();
}

/** Resolves once the shared site answers; fails with the reason if it cannot start. */
export async function sharedSiteReady(site: SharedSite): Promise<void> {
  for (;;) {
    const answer = await fetch(site.statusUrl);
    if (answer.status === 200) return;
    if (answer.status !== 202) throw new Error(`The shared site is not up: ${await answer.text()}.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
