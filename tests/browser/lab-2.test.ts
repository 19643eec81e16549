// Lab 2 in a real browser, as a learner uses it: the site (dev server, as npm start runs it),
// its lab API and a local cloud, driven through Debian's Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { diagramDrawn, litEdge, progressMarked, requestsStillOpen, startWorkshop, type Workshop } from './harness.ts';

let lab: Workshop;
let browser: Browser;
let siteUrl: string;

// Queue gauges every second, as npm start samples them: the chart moves within seconds.
before(async () => {
  lab = await startWorkshop({ metricsIntervalMs: 1_000 });
  ({ browser, siteUrl } = lab);
});

after(() => lab?.stop());

async function openLab2(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${siteUrl}/lab-2-topic-queue-chaining`, { timeout: 120_000 });
  await page.getByRole('heading', { name: 'Lab 2: Topic-queue chaining and load balancing' }).waitFor({ timeout: 120_000 });
  return errors;
}

/** Clicks a Run button (the first of that snippet on the page) and waits until its run ends. */
async function run(page: Page, snippet: string, timeout = 120_000): Promise<string> {
  const button = page.getByTestId(`run-lab-2-${snippet}`).first();
  await button.click();
  const output = page.getByTestId(`run-output-lab-2-${snippet}`).first();
  await output.waitFor({ timeout }).catch(async (error: Error) => {
    const panel = button.locator('xpath=ancestor::section[1]');
    assert.fail(`${error.message}\nthe panel shows: ${await panel.innerText()}\nrequests still open: ${requestsStillOpen(page)}`);
  });
  await page.waitForFunction((el) => ['done', 'failed'].includes(el?.getAttribute('data-state') ?? ''), await output.elementHandle(), {
    timeout,
  });
  const text = await output.innerText();
  assert.equal(await output.getAttribute('data-state'), 'done', text);
  return text;
}

/** The chart's numbers for one series (its index in the page's first chart): peak and latest. */
async function chart(page: Page, index: number) {
  const element = page.getByTestId('metrics-lab-2').first();
  const peaks = JSON.parse((await element.getAttribute('data-peaks')) ?? '[]') as number[];
  const latest = JSON.parse((await element.getAttribute('data-latest')) ?? '[]') as (number | null)[];
  return { peak: peaks[index] ?? 0, latest: latest[index] ?? 0 };
}

const ACCOUNTING_WAITING = 1;

describe('Lab 2 in the browser', { timeout: 600_000 }, () => {
  test('deploy, a burst with a consumer off moves the live chart, the worker starts and stops, every checkpoint passes', async () => {
    const page = await browser.newPage();
    const errors = await openLab2(page);
    assert.doesNotMatch(await page.locator('article').innerText(), /props\.step/);
    // Before the deploy, the chart says so plainly: where every lab starts, not an error.
    const notDeployed = page.getByTestId('metrics-not-deployed-lab-2').first();
    assert.match(await notDeployed.innerText({ timeout: 60_000 }), /^lab-2 is not deployed: deploy it to see its metrics\.$/);
    await page.getByTestId('deploy-solution-lab-2').first().click();
    const status = page.getByTestId('deploy-status-lab-2').first();
    await page
      .waitForFunction((el) => ['done', 'failed'].includes(el!.getAttribute('data-state')!), await status.elementHandle(), {
        timeout: 240_000,
      })
      .catch(async (error: Error) => assert.fail(`${error.message}\n${await status.innerText()}`));
    assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());
    assert.match(await status.innerText(), /RideBatchQueueUrl/);
    await notDeployed.waitFor({ state: 'detached', timeout: 30_000 });
    await diagramDrawn(page, 'lab-2', 'subscription');

    // Accounting switched off: the burst's rides wait in its queue, and the chart shows them.
    assert.match(await run(page, 'switch-consumer-off'), /Disabled/);
    assert.match(await run(page, 'submit-burst', 240_000), /Customer Accounting 0\/\d+ \(queue: \d+ waiting/);
    await page.waitForFunction(
      () => {
        const element = document.querySelector('[data-testid="metrics-lab-2"]');
        return (JSON.parse(element?.getAttribute('data-peaks') ?? '[]')[1] ?? 0) >= 50;
      },
      undefined,
      { timeout: 60_000, polling: 500 },
    );
    assert.ok((await chart(page, ACCOUNTING_WAITING)).peak >= 50);
    // Switched on again: the backlog drains, and the chart comes back down.
    assert.match(await run(page, 'switch-consumer-on'), /0 waiting, 0 in flight/);
    await page.waitForFunction(
      () => {
        const element = document.querySelector('[data-testid="metrics-lab-2"]');
        return JSON.parse(element?.getAttribute('data-latest') ?? '[]')[1] === 0;
      },
      undefined,
      { timeout: 60_000, polling: 500 },
    );

    // The diagram lit what the burst did: the topic's deliveries into each queue, and Accounting's
    // mapping once it was switched on again.
    for (const queue of ['CustomerNotificationServiceQueue', 'CustomerAccountingServiceQueue', 'ExtraordinaryRidesServiceQueue'])
      await litEdge(page, 'lab-2', 'subscription', ['RideCompletionTopic->', `${queue}#`]);
    assert.ok(
      (await litEdge(page, 'lab-2', 'subscription', ['RideCompletionTopic->', 'CustomerAccountingServiceQueue#'], { min: 50 })) >= 50,
    );
    await litEdge(page, 'lab-2', 'mapping', ['CustomerAccountingServiceQueue->']);

    // The worker runs until stopped; an uploaded batch file reaches it.
    await page.getByTestId('run-lab-2-worker').click();
    const worker = page.getByTestId('run-output-lab-2-worker');
    await worker.getByText(/Polling/).waitFor({ timeout: 60_000 });
    assert.match(await run(page, 'upload-batch'), /Uploaded s3:\/\//);
    await worker.getByText(/20 rides of Unicorns of the North/).waitFor({ timeout: 60_000 });
    await litEdge(page, 'lab-2', 'notification', ['RideBatchQueue']);
    await page.getByTestId('stop-lab-2-worker').click();
    await worker.getByText(/Stopped cleanly/).waitFor({ timeout: 30_000 });
    assert.equal(await worker.getAttribute('data-state'), 'done');

    await page.getByTestId('check-lab-2').click();
    const rows = page.locator('[data-testid^="checkpoint-"]');
    await page
      .getByTestId('check-summary-lab-2')
      .waitFor({ timeout: 300_000 })
      .catch(async (error: Error) => assert.fail(`${error.message}\nso far:\n${(await rows.allInnerTexts()).join('\n')}`));
    const results = await rows.evaluateAll((elements) => elements.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-ok')]));
    assert.equal(results.length, 17);
    assert.deepEqual(
      results.filter(([, ok]) => ok !== 'true'),
      [],
      await page.getByTestId('check-summary-lab-2').innerText(),
    );
    await progressMarked(page, 'Lab 2', 6);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('without a lab API (a static build), the chart, the worker and the tests show their CLI commands', async () => {
    const page = await browser.newPage();
    await page.route('**/api/**', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await openLab2(page);
    await page.getByText('npx workshop run lab-2 queue-depths', { exact: true }).first().waitFor();
    assert.ok((await page.getByText(/reads the lab's CloudWatch metrics through the lab API/).count()) >= 1);
    assert.ok((await page.getByText(/runs until you press Ctrl-C/).count()) >= 1);
    assert.ok((await page.getByText('npx workshop test lab-2', { exact: true }).count()) >= 1);
    assert.equal(await page.getByTestId('metrics-lab-2').count(), 0, 'no empty chart without data');
    await page.close();
  });
});
