// What the browser tests share: a local cloud, the lab API with its progress store, the site's
// dev server (as npm start runs them), Debian's Chromium, and axe for accessibility.
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ActivityCounter } from '../../src/api/activity.ts';
import { createLabApi } from '../../src/api/app.ts';
import { serveOnLoopback } from '../../src/api/node-server.ts';
import { ProgressStore } from '../../src/api/progress-store.ts';
import { accessPolicy } from '../../src/api/security.ts';
import { startSite, waitForSite } from '../../src/cli/serve.ts';
import type { CloudOptions } from '../../src/cloud/cloud.ts';
import { startTestCloud, type TestCloud } from '../../src/cloud/testing/test-cloud.ts';
import { LabEngine } from '../../src/engine/engine.ts';
import { PROJECT_ROOT } from '../../src/engine/paths.ts';

/** Debian's Chromium (test-tool browser downloads do not work here), or WORKSHOP_CHROMIUM. */
const CHROMIUM = process.env.WORKSHOP_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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

/** The site's dev server (as npm start runs it, proxying /api to `apiPort`) from a folder of its own, and a browser to open it in. */
export async function siteInBrowser(sitePort: number, apiPort: number): Promise<{ siteUrl: string; browser: Browser; stop: () => Promise<void> }> {
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
  const sitePort = await freePort();
  const apiPort = await freePort();
  const progress = new ProgressStore(join(stateDir, 'progress.json'));
  const api = await serveOnLoopback(createLabApi({ engine: new LabEngine(cloud.target), access: accessPolicy(sitePort, apiPort), progress, activity }).fetch, apiPort, '');
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
  await page.addScriptTag({ content: AXE });
  type Node = { target: string[]; any: { data?: { fgColor?: string; bgColor?: string; contrastRatio?: number } }[] };
  type Violation = { id: string; impact: string; help: string; nodes: Node[] };
  // Nothing named inside the page function: the test's transpiler would wrap names in a helper the page lacks.
  const violations: Violation[] = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return JSON.parse(JSON.stringify(result.violations));
  });
  const where = (n: Node) => {
    const colours = n.any.find((a) => a.data?.fgColor)?.data;
    return `${n.target.join(' ')}${colours ? ` (${colours.fgColor} on ${colours.bgColor}: ${colours.contrastRatio})` : ''}`;
  };
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 6).map(where).join(' | ')}`);
}

/** Waits until a streamed widget (Deploy, Run) has finished, and returns its final state. */
export async function finished(page: Page, testId: string, timeout = 120_000): Promise<string> {
  const element = page.getByTestId(testId).first();
  await element.waitFor({ timeout });
  await page.waitForFunction((el) => ['done', 'failed'].includes(el?.getAttribute('data-state') ?? ''), await element.elementHandle(), { timeout });
  return (await element.getAttribute('data-state'))!;
}
