import net from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { startSite, waitForSite } from '../../src/cli/serve.ts';

/** Debian's Chromium (test-tool browser downloads do not work here), or WORKSHOP_CHROMIUM. */
export const CHROMIUM = process.env.WORKSHOP_CHROMIUM ?? '/usr/bin/chromium';

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Headless Chromium with the flags it needs in a container. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** The site's development server (as npm start runs it, proxying /api to `apiPort`) and a browser to open it in. */
export async function siteInBrowser(
  sitePort: number,
  apiPort: number,
): Promise<{ siteUrl: string; browser: Browser; stop: () => Promise<void> }> {
  const site = startSite({ port: sitePort, apiPort, stdio: 'ignore' });
  const siteUrl = `http://localhost:${sitePort}`;
  try {
    await waitForSite(`${siteUrl}/`, site, 240_000);
    const browser = await launchChromium();
    return {
      siteUrl,
      browser,
      async stop() {
        await browser.close();
        site.kill('SIGTERM');
      },
    };
  } catch (error) {
    site.kill('SIGTERM');
    throw error;
  }
}
