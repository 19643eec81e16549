// What `bench-site.ts --profile <dir>` records while the diagram is measured: a Chrome trace of the
// page (open it in DevTools' Performance panel) and a CPU profile of the process that runs the
// cloud and the lab API (DevTools' JavaScript profiler, or any .cpuprofile viewer). Together they
// say what a long task on the page or a long pause of the server's event loop was.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';

/** Timeline events with their JavaScript stacks, style, layout and paint, and the garbage collector. */
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
  'disabled-by-default-v8.gc',
  'blink.user_timing',
  'toplevel',
];

/** Starts both recordings; the returned function stops them and writes `page.trace.json` and `server.cpuprofile` into `dir`. */
export async function startProfiles(cdp: CDPSession, dir: string): Promise<() => Promise<string[]>> {
  mkdirSync(dir, { recursive: true });
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: TRACE_CATEGORIES } });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  // Starting the page's sampling profiler holds its main thread for a moment: not in the figures.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const server = join(dir, 'server.cpuprofile');
    writeFileSync(server, JSON.stringify(profile));
    const complete = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (event) => resolve(event.stream!)));
    await cdp.send('Tracing.end');
    const stream = await complete;
    const chunks: string[] = [];
    for (;;) {
      const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
      chunks.push(chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data);
      if (chunk.eof) break;
    }
    await cdp.send('IO.close', { handle: stream });
    const page = join(dir, 'page.trace.json');
    writeFileSync(page, chunks.join(''));
    return [page, server];
  };
}
