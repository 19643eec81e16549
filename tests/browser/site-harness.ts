// What every browser test of a lab page needs: a local cloud, the lab API and the site (the dev
// server, as npm start runs it) on free ports, and Debian's Chromium through playwright-core.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { after, before } from 'node:test';
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

/** The running site, its lab API and cloud, and the browser: filled in before the tests run. */
export interface SiteSession {
  cloud: TestCloud;
  browser: Browser;
  siteUrl: string;
}

/** Starts everything before the file's tests and stops it after them; returns the session to use in tests. */
export function useSiteSession(): SiteSession {
  const session = {} as SiteSession;
  let api: { port: number; close: () => Promise<void> } | undefined;
  let site: ChildProcess | undefined;
  before(async () => {
    session.cloud = await startTestCloud();
    const sitePort = await freePort();
    const apiPort = await freePort();
    api = await serveOnLoopback(createLabApi({ engine: new LabEngine(session.cloud.target), access: accessPolicy(sitePort, apiPort) }).fetch, apiPort, '');
    site = startSite({ port: sitePort, apiPort, stdio: 'ignore' });
    session.siteUrl = `http://localhost:${sitePort}`;
    await waitForSite(`${session.siteUrl}/`, site, 240_000);
    session.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  });
  after(async () => {
    await session.browser?.close();
    site?.kill('SIGTERM');
    await api?.close();
    await session.cloud?.stop();
  });
  return session;
}

/** Opens a lab page and waits for its title; returns the page errors it collects. */
export async function openLabPage(page: Page, url: string, heading: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.getByRole('heading', { name: heading }).waitFor();
  return errors;
}

/** Waits until the widget element with `testId` (the first, if several) is done or failed. */
export function settled(page: Page, testId: string, timeout: number) {
  return page.waitForFunction((id) => ['done', 'failed'].includes(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-state') ?? ''), testId, { timeout });
}
