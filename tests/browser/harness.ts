// What the browser tests share: a local cloud, the lab API with its progress store, the site's
// dev server (as npm start runs them), Debian's Chromium, and axe for accessibility.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { ActivityCounter } from '../../src/api/activity.ts';
import { createLabApi } from '../../src/api/app.ts';
import { serveOnLoopback } from '../../src/api/node-server.ts';
import { ProgressStore } from '../../src/api/progress-store.ts';
import { accessPolicy } from '../../src/api/security.ts';
import { startSite, waitForSite } from '../../src/cli/serve.ts';
import type { CloudOptions } from '../../src/cloud/cloud.ts';
import { startTestCloud, type TestCloud } from '../../src/cloud/testing/test-cloud.ts';
import { LabEngine } from '../../src/engine/engine.ts';
import { LAB_API_COOKIE, sharedSite, sharedSiteReady, siteMirror } from './shared-site.ts';

export { siteMirror };

/** Debian's Chromium (test-tool browser downloads do not work here), or WORKSHOP_CHROMIUM. */
const CHROMIUM = process.env.WORKSHOP_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

/** Every page of the site a learner reads: the home page, the intro and each lab's page. */
export const SITE_PAGES = [
  '/',
  '/intro',
  '/lab-0-setup',
  '/lab-1-fan-out',
  '/lab-2-topic-queue-chaining',
  '/lab-3-scatter-gather',
  '/lab-4-saga',
  '/lab-5-messaging-and-streaming',
] as const;

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Chromium, whose pages keep count of their open requests (see requestsStillOpen). */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // Playwright's newPage makes its page's context through newContext: every page passes here.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', trackRequests);
    return context;
  };
  return browser;
}

/** The port the site is served on: the shared dev server's when `npm test` started one, else a free one for this file's own. */
export async function sitePortForTests(): Promise<number> {
  return sharedSite()?.sitePort ?? freePort();
}

/**
 * The site's dev server (as npm start runs it, proxying /api to `apiPort`), and a browser to open
 * it in. Under `npm test` that is the run's shared dev server (see shared-site.ts), and every page
 * the browser opens carries the cookie that sends its /api requests to `apiPort`; run alone, the
 * file starts a dev server of its own, from a folder of its own, on `sitePort`.
 */
export async function siteInBrowser(
  sitePort: number,
  apiPort: number,
): Promise<{ siteUrl: string; browser: Browser; stop: () => Promise<void> }> {
  const shared = sharedSite();
  if (shared) {
    assert.equal(sitePort, shared.sitePort, 'with a shared site, take the port from sitePortForTests()');
    await sharedSiteReady(shared);
    const browser = withLabApiCookie(await launchChromium(), shared.siteUrl, apiPort);
    return { siteUrl: shared.siteUrl, browser, stop: () => browser.close() };
  }
  const mirror = siteMirror();
  let site: ChildProcess | undefined;
  const stopSite = async () => {
    if (site && site.exitCode === null) {
      const exited = new Promise((resolve) => site!.once('exit', resolve));
      site.kill('SIGTERM');
      await exited;
    }
    mirror.remove();
  };
  try {
    site = startSite({ port: sitePort, apiPort, stdio: 'ignore', siteDir: mirror.dir });
    const siteUrl = `http://localhost:${sitePort}`;
    await waitForSite(`${siteUrl}/`, site, 240_000);
    const browser = await launchChromium();
    return {
      siteUrl,
      browser,
      async stop() {
        await browser.close();
        await stopSite();
      },
    };
  } catch (error) {
    await stopSite();
    throw error;
  }
}

/** Every page the browser opens (each in a context of its own) carries the cookie naming this file's lab API, before it loads anything. */
function withLabApiCookie(browser: Browser, siteUrl: string, apiPort: number): Browser {
  const cookies = [{ name: LAB_API_COOKIE, value: String(apiPort), url: siteUrl }];
  const newPage = browser.newPage.bind(browser);
  const newContext = browser.newContext.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    await page.context().addCookies(cookies);
    return page;
  };
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addCookies(cookies);
    return context;
  };
  return browser;
}

/** Each page's requests that have not finished, for the message of a wait that times out. */
const openRequests = new WeakMap<Page, Map<string, number>>();

function trackRequests(page: Page): void {
  const open = new Map<string, number>();
  openRequests.set(page, open);
  const name = (request: { method(): string; url(): string }) => `${request.method()} ${request.url()}`;
  const count = (request: { method(): string; url(): string }, by: number) => {
    const left = (open.get(name(request)) ?? 0) + by;
    if (left > 0) open.set(name(request), left);
    else open.delete(name(request));
  };
  page.on('request', (request) => count(request, 1));
  page.on('requestfinished', (request) => count(request, -1));
  page.on('requestfailed', (request) => count(request, -1));
}

/** The page's requests still under way (the lab API's streams among them), or "none". */
export function requestsStillOpen(page: Page): string {
  const open = [...(openRequests.get(page) ?? [])].map(([request, n]) => (n > 1 ? `${request} (×${n})` : request));
  return open.join(', ') || 'none';
}

export interface Workshop {
  cloud: TestCloud;
  siteUrl: string;
  stateDir: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** Starts everything `npm start` starts, on free ports, with its state in a temporary folder. */
export async function startWorkshop(cloudOptions: Partial<CloudOptions> = {}): Promise<Workshop> {
  const cloud = await startTestCloud(cloudOptions);
  const stateDir = mkdtempSync(join(tmpdir(), 'workshop-site-'));
  const activity = new ActivityCounter(join(stateDir, 'activity.json'));
  activity.start(cloud.endpoint);
  const sitePort = await sitePortForTests();
  const apiPort = await freePort();
  const progress = new ProgressStore(join(stateDir, 'progress.json'));
  const api = await serveOnLoopback(
    createLabApi({ engine: new LabEngine(cloud.target), access: accessPolicy(sitePort, apiPort), progress, activity }).fetch,
    apiPort,
    '',
  );
  const stopRest = async () => {
    activity.stop();
    await api.close();
    await cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const { siteUrl, browser, stop } = await siteInBrowser(sitePort, apiPort);
    return {
      cloud,
      siteUrl,
      stateDir,
      browser,
      async stop() {
        await stop();
        await stopRest();
      },
    };
  } catch (error) {
    await stopRest();
    throw error;
  }
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe (from npm, injected into the page) and returns the serious and critical violations, described. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  type Node = { target: string[]; any: { data?: { fgColor?: string; bgColor?: string; contrastRatio?: number } }[] };
  type Violation = { id: string; impact: string; help: string; nodes: Node[] };
  // Nothing named inside the page function: the test's transpiler would wrap names in a helper the page lacks.
  const violations: Violation[] = await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }
    ).axe.run(document, { resultTypes: ['violations'] });
    return JSON.parse(JSON.stringify(result.violations));
  });
  const where = (n: Node) => {
    const colours = n.any.find((a) => a.data?.fgColor)?.data;
    return `${n.target.join(' ')}${colours ? ` (${colours.fgColor} on ${colours.bgColor}: ${colours.contrastRatio})` : ''}`;
  };
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 6).map(where).join(' | ')}`);
}

/** Waits until a streamed widget (Deploy, Run) has finished, and returns its final state. */
export async function finished(page: Page, testId: string, timeout = 120_000): Promise<string> {
  const element = page.getByTestId(testId).first();
  try {
    await element.waitFor({ timeout });
    await page.waitForFunction((el) => ['done', 'failed'].includes(el?.getAttribute('data-state') ?? ''), await element.elementHandle(), {
      timeout,
    });
  } catch (error) {
    // A run that never started and one that hangs look alike on the page: say which requests are still open.
    const shows = (await element.count()) > 0 ? await element.innerText() : '(not on the page)';
    assert.fail(
      `${testId} did not finish: ${(error as Error).message.split('\n')[0]}\nit shows: ${shows}\nrequests still open: ${requestsStillOpen(page)}`,
    );
  }
  return (await element.getAttribute('data-state'))!;
}

/** Waits until the live diagram of `lab` draws its `kind` edges: it counts what moves from then on. */
export async function diagramDrawn(page: Page, lab: string, kind: string, timeout = 60_000): Promise<void> {
  await page.locator(`[data-testid="architecture-${lab}"] [data-arch-edge^="${kind}:"]`).first().waitFor({ state: 'attached', timeout });
}

/**
 * Waits until the live diagram of `lab` has lit an edge of `kind` whose id contains every one of
 * `parts` (ARNs, names) with its `counter` at `min` or more, and returns that count. Edge ids read
 * `kind:source->target#subscription-or-mapping`.
 */
export async function litEdge(
  page: Page,
  lab: string,
  kind: string,
  parts: string[],
  { counter = 'passed', min = 1, timeout = 30_000 }: { counter?: 'passed' | 'filtered' | 'failed'; min?: number; timeout?: number } = {},
): Promise<number> {
  const args = { lab, kind, parts, counter, min };
  // Nothing named inside the page function: the test's transpiler would wrap names in a helper the page lacks.
  const handle = await page
    .waitForFunction(
      (a) => {
        for (const label of Array.from(document.querySelectorAll(`[data-testid="architecture-${a.lab}"] [data-arch-edge^="${a.kind}:"]`))) {
          if (!a.parts.every((part) => label.getAttribute('data-arch-edge')!.includes(part))) continue;
          const element = label.querySelector(`[data-counter=${a.counter}]`) as HTMLElement | null;
          const count = element && !element.hidden ? Number(/\d+/.exec(element.textContent ?? '')?.[0] ?? 0) : 0;
          if (count >= a.min) return count;
        }
        return false;
      },
      args,
      { timeout, polling: 250 },
    )
    .catch(async (error: Error) => {
      const edges = await page
        .locator(`[data-testid="architecture-${lab}"] [data-arch-edge]`)
        .evaluateAll((labels) => labels.map((l) => `${l.getAttribute('data-arch-edge')}: ${(l.textContent ?? '').replace(/\s+/g, ' ')}`));
      throw new Error(
        `${error.message}\nno ${kind} edge with ${parts.join(', ')} reached ${min} ${counter}; the diagram's edges:\n${edges.join('\n')}`,
      );
    });
  return Number(await handle.jsonValue());
}

/** Waits until line `series` of the `nth` chart of `lab` adds up to `min` or more over the chart's window, and returns that total. */
export async function chartTotal(
  page: Page,
  lab: string,
  series: number,
  min: number,
  { nth = 0, timeout = 30_000 } = {},
): Promise<number> {
  const chart = page.getByTestId(`metrics-${lab}`).nth(nth);
  await chart.waitFor({ timeout });
  const totals = async () => JSON.parse((await chart.getAttribute('data-totals')) ?? '[]') as number[];
  await page
    .waitForFunction(
      (a) => (JSON.parse(a.el?.getAttribute('data-totals') ?? '[]')[a.series] ?? 0) >= a.min,
      { el: await chart.elementHandle(), series, min },
      { timeout, polling: 250 },
    )
    .catch(async (error: Error) =>
      assert.fail(`${error.message}\nthe chart's totals: ${JSON.stringify(await totals())} (line ${series} should reach ${min})`),
    );
  return (await totals())[series];
}

/** Waits until the sidebar marks the lab done (✓), and every one of its `steps` steps. */
export async function progressMarked(page: Page, labTitle: string, steps: number): Promise<void> {
  const sidebar = page.locator('nav[aria-label="Docs sidebar"]');
  await sidebar.locator('.sidebar-done').filter({ hasText: labTitle }).getByTestId('sidebar-done-lab').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    (n) => document.querySelectorAll('nav[aria-label="Docs sidebar"] [data-testid="sidebar-done-step"]').length >= n,
    steps,
    { timeout: 30_000 },
  );
  assert.equal(await sidebar.getByTestId('sidebar-done-step').count(), steps);
}
