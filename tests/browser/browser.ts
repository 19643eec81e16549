import net from 'node:net';
import { chromium, type Browser } from 'playwright-core';

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
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
}
