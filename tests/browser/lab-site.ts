// What a browser test of a lab page needs: the site (dev server, as npm start runs it), its lab
// API and a local cloud, and Debian's Chromium driven through playwright-core.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createLabApi } from '../../src/api/app.ts';
import { serveOnLoopback } from '../../src/api/node-server.ts';
import { accessPolicy } from '../../src/api/security.ts';
import { startSite, waitForSite } from '../../src/cli/serve.ts';
import { startTestCloud, type TestCloud } from '../../src/cloud/testing/test-cloud.ts';
import { LabEngine } from '../../src/engine/engine.ts';

const CHROMIUM = process.env.WORKSHOP_CHROMIUM ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface LabSite {
  siteUrl: string;
  browser: Browser;
  cloud: TestCloud;
  stop(): Promise<void>;
}

/** Starts a local cloud, the lab API in front of it, the site and a headless Chromium. */
export async function startLabSite(): Promise<LabSite> {
  const cloud = await startTestCloud();
  let api: { close: () => Promise<void> } | undefined;
  let site: ChildProcess | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    site?.kill('SIGTERM');
    await api?.close();
    await cloud.stop();
  };
  try {
    const sitePort = await freePort();
    const apiPort = await freePort();
    api = await serveOnLoopback(createLabApi({ engine: new LabEngine(cloud.target), access: accessPolicy(sitePort, apiPort) }).fetch, apiPort, '');
    site = startSite({ port: sitePort, apiPort, stdio: 'ignore' });
    const siteUrl = `http://localhost:${sitePort}`;
    await waitForSite(`${siteUrl}/`, site, 240_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    return { siteUrl, browser, cloud, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until the (first, or given) element with this test id says it is done or failed, and returns its state. */
export async function settled(page: Page, testId: string, timeout: number, which: 'first' | 'last' = 'first'): Promise<string> {
  const element = page.getByTestId(testId)[which]();
  await element.waitFor({ timeout });
  await page.waitForFunction((el) => ['done', 'failed'].includes(el?.getAttribute('data-state') ?? ''), await element.elementHandle(), { timeout });
  return (await element.getAttribute('data-state'))!;
}
