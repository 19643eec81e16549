// The static build (npm run build) served by a plain web server, with no lab API and no network:
// every page renders, every widget shows its CLI command, and search works offline.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/engine/paths.ts';
import { launchChromium, seriousViolations, siteMirror } from './harness.ts';
import { serveStatic } from './static-server.ts';

let out: string;
let site: { url: string; close: () => Promise<void> };
let browser: Browser;

/** Runs `docusaurus build` into `dir`, failing with its output if it fails. */
function build(dir: string): Promise<void> {
  const mirror = siteMirror();
  return new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'node_modules', '@docusaurus', 'core', 'bin', 'docusaurus.mjs'), 'build', mirror.dir, '--out-dir', dir],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docusaurus build failed (${code}):\n${output.slice(-4000)}`))));
  }).finally(mirror.remove);
}

// WORKSHOP_STATIC_BUILD=build reuses a build made with npm run build (quicker when working on the test).
const REUSE = process.env.WORKSHOP_STATIC_BUILD;

before(
  async () => {
    out = REUSE ? join(PROJECT_ROOT, REUSE) : mkdtempSync(join(tmpdir(), 'workshop-build-'));
    if (!REUSE) await build(out);
    site = await serveStatic(out);
    browser = await launchChromium();
  },
  { timeout: 900_000 },
);

after(async () => {
  await browser?.close();
  await site?.close();
  if (!REUSE) rmSync(out, { recursive: true, force: true });
});

/** Opens a page, recording every request that leaves this machine (there must be none) and the scripts it loads. */
async function open(path: string): Promise<{ page: Page; outside: string[]; errors: string[]; scripts: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const outside: string[] = [];
  const errors: string[] = [];
  const scripts: string[] = [];
  page.on('request', (request) => {
    const host = new URL(request.url()).hostname;
    if (!['localhost', '127.0.0.1'].includes(host) && !request.url().startsWith('data:')) outside.push(request.url());
    if (request.resourceType() === 'script') scripts.push(request.url().split('/').pop()!);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.url}${path}`);
  return { page, outside, errors, scripts };
}

describe('the static build', { timeout: 300_000 }, () => {
  test('every page renders, and every lab widget shows the CLI command that does its job', async () => {
    const expectations: Record<string, RegExp[]> = {
      '/': [/Wild Rydes: asynchronous messaging/, /npm start/],
      '/intro': [/How the workshop works/, /npx workshop verify lab-1/],
      '/lab-0-setup': [/npx workshop verify lab-0 --step 1/, /npx workshop run lab-0 hello-queue/],
      '/lab-1-fan-out': [
        /npx workshop deploy lab-1 --solution/,
        /npx workshop verify lab-1/,
        /Your stack, live/,
        /What this lab would cost on AWS/,
        /checked on \d{4}-\d\d-\d\d/,
        /reads the lab's CloudWatch metrics through the lab API/,
      ],
      '/lab-4-saga': [/npx workshop deploy lab-4 --solution/, /Your stack, live/, /reads the lab's CloudWatch metrics through the lab API/],
    };
    for (const [path, patterns] of Object.entries(expectations)) {
      const { page, outside, errors, scripts } = await open(path);
      await page.waitForTimeout(path === '/' ? 500 : 1500);
      const text = await page.locator('body').innerText();
      for (const pattern of patterns) assert.match(text, pattern, `${path} should show ${pattern}`);
      assert.equal(
        await page.locator('[data-testid^="deploy-lab-"], [data-testid^="architecture-lab-"], [data-testid^="metrics-lab-"]').count(),
        0,
        `${path}: no button, diagram or chart that needs a lab API`,
      );
      assert.deepEqual(
        scripts.filter((script) => /^(graph-libraries|chart-library)\./.test(script)),
        [],
        `${path}: the graph and chart libraries load only where a diagram or a chart is drawn`,
      );
      assert.deepEqual(outside, [], `${path} reaches no other host`);
      assert.deepEqual(errors, [], `${path} runs without errors`);
      assert.deepEqual(await seriousViolations(page), [], `${path}: no serious accessibility violation`);
      await page.close();
    }
  });

  test("a lab's diagrams are images drawn for the colour mode, with their text alternative", async () => {
    for (const mode of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme: mode, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${site.url}/lab-1-fan-out`);
      const diagram = page.locator('.mermaid-diagram').first();
      const shown = diagram.locator(`img.mermaid-diagram__${mode}`);
      await shown.scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0,
        await shown.elementHandle(),
        { timeout: 10_000 },
      );
      assert.ok(await shown.isVisible(), `the ${mode} drawing shows in ${mode} mode`);
      assert.equal(await diagram.locator('img:visible').count(), 1, `only the ${mode} drawing shows`);
      assert.match(
        (await shown.getAttribute('alt')) ?? '',
        /^Lab 1's architecture\. The Wild Rydes app sends POST \/submit-ride-completion/,
      );
      await context.close();
    }
  });

  test('search finds a section offline and opens it at its heading', async () => {
    const { page, outside } = await open('/intro');
    await page.getByTestId('search-input').click();
    await page.keyboard.type('hello through a queue');
    const results = page.getByTestId('search-results');
    await results.getByRole('option').first().waitFor();
    assert.match(await results.getByRole('option').first().innerText(), /Lab 0: Set up/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lab-0-setup#step-2-say-hello-through-a-queue$/);
    await page.getByRole('heading', { name: 'Step 2: Say hello through a queue' }).waitFor();
    await page.getByTestId('search-input').fill('zzqqxx');
    await page.getByText('Nothing matches “zzqqxx”.').waitFor();
    assert.deepEqual(outside, []);
    await page.close();
  });
});
