// What every browser test of a lab page starts: a local cloud, the lab API in front of it, the
// site as npm start serves it (the dev server), and Debian's Chromium through playwright-core.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createLabApi } from '../../src/api/app.ts';
import { serveOnLoopback } from '../../src/api/node-server.ts';
import { accessPolicy } from '../../src/api/security.ts';
import { startSite, waitForSite } from '../../src/cli/serve.ts';
import type { CloudOptions } from '../../src/cloud/cloud.ts';
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
  cloud: TestCloud;
  browser: Browser;
  /** The site's address, e.g. http://localhost:41234. */
  siteUrl: string;
  stop(): Promise<void>;
}

/** Starts the cloud, the lab API, the site and a headless Chromium; `stop` ends them all. */
export async function startLabSite(cloudOptions: Partial<CloudOptions> = {}): Promise<LabSite> {
  const cloud = await startTestCloud(cloudOptions);
  const sitePort = await freePort();
  const apiPort = await freePort();
  const api = await serveOnLoopback(createLabApi({ engine: new LabEngine(cloud.target), access: accessPolicy(sitePort, apiPort) }).fetch, apiPort, '');
  let site: ChildProcess | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    site?.kill('SIGTERM');
    await api.close();
    await cloud.stop();
  };
  try {
    site = startSite({ port: sitePort, apiPort, stdio: 'ignore' });
    const siteUrl = `http://localhost:${sitePort}`;
    await waitForSite(`${siteUrl}/`, site, 240_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    return { cloud, browser, siteUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
