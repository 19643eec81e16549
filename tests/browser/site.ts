// What every browser test of a lab page needs: a local cloud, the lab API in front of it, the
// site's dev server (as npm start runs it) and Debian's Chromium.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { chromium, type Browser } from 'playwright-core';
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

export interface WorkshopSite {
  cloud: TestCloud;
  browser: Browser;
  /** Where the site answers: `http://localhost:<port>`. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the cloud, the lab API, the site and a browser; `stop` ends them all. */
export async function startWorkshopSite(): Promise<WorkshopSite> {
  const cloud = await startTestCloud();
  const sitePort = await freePort();
  const apiPort = await freePort();
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
    api = await serveOnLoopback(createLabApi({ engine: new LabEngine(cloud.target), access: accessPolicy(sitePort, apiPort) }).fetch, apiPort, '');
    site = startSite({ port: sitePort, apiPort, stdio: 'ignore' });
    const url = `http://localhost:${sitePort}`;
    await waitForSite(`${url}/`, site, 240_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    return { cloud, browser, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
