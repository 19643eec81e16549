// Lab 1 in a real browser, as a learner uses it: the site (dev server, as npm start runs it),
// its lab API and a local cloud, driven through Debian's Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startWorkshop, type Workshop } from './harness.ts';

let lab: Workshop;
let browser: Browser;
let siteUrl: string;

before(async () => {
  lab = await startWorkshop();
  ({ browser, siteUrl } = lab);
});

after(() => lab?.stop());

async function openLab1(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${siteUrl}/lab-1-fan-out`);
  await page.getByRole('heading', { name: 'Lab 1: Fan-out and message filtering' }).waitFor();
  return errors;
}

describe('Lab 1 in the browser', { timeout: 300_000 }, () => {
  test('Deploy, Run and Check: every checkpoint passes', async () => {
    const page = await browser.newPage();
    const errors = await openLab1(page);
    // Step 4 shows what to type: its subscription replaced by one with the filter policy.
    const step4 = page.getByTestId('step-code-lab-1-4');
    assert.match(
      await step4.innerText(),
      /−\s*topic\.addSubscription\(new subscriptions\.LambdaSubscription\(services\.extraordinaryRides\)\);/,
    );
    assert.match(await step4.innerText(), /\+\s*filterPolicy: \{/);
    assert.doesNotMatch(await page.locator('article').innerText(), /props\.step/);
    await page.getByTestId('deploy-solution-lab-1').first().click();
    const status = page.getByTestId('deploy-status-lab-1').first();
    await page.waitForFunction((el) => ['done', 'failed'].includes(el!.getAttribute('data-state')!), await status.elementHandle(), {
      timeout: 120_000,
    });
    assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());
    assert.match(await status.innerText(), /SubmitRideUrl/);

    await page.getByTestId('run-lab-1-submit-ride').first().click();
    const output = page.getByTestId('run-output-lab-1-submit-ride').first();
    await page.waitForFunction((el) => ['done', 'failed'].includes(el?.getAttribute('data-state') ?? ''), await output.elementHandle(), {
      timeout: 60_000,
    });
    assert.match(await output.innerText(), /→ 201 \{"id":"/);
    const flow = page.getByTestId('message-flow');
    await page.waitForFunction((el) => /ran \(sns/.test(el?.textContent ?? ''), await flow.elementHandle(), { timeout: 30_000 });
    assert.match(await flow.innerText(), /RideCompletionTopic ← published/);

    await page.getByTestId('check-lab-1').click();
    await page.getByTestId('check-summary-lab-1').waitFor({ timeout: 60_000 });
    const rows = page.locator('[data-testid^="checkpoint-"]');
    const results = await rows.evaluateAll((elements) => elements.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-ok')]));
    assert.equal(results.length, 8);
    assert.deepEqual(
      results.filter(([, ok]) => ok !== 'true'),
      [],
      await page.getByTestId('check-summary-lab-1').innerText(),
    );
    assert.match(await page.getByTestId('check-summary-lab-1').innerText(), /8\/8 checkpoints pass/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('without a lab API (a static build), the widgets show the CLI commands', async () => {
    const page = await browser.newPage();
    await page.route('**/api/**', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await openLab1(page);
    await page.getByText('npx workshop verify lab-1', { exact: true }).first().waitFor();
    assert.equal(await page.getByTestId('deploy-lab-1').count(), 0, 'no Deploy button that cannot work');
    assert.ok((await page.getByText('npx workshop run lab-1 submit-ride').count()) > 0);
    await page.close();
  });
});
