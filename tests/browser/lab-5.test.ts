// Lab 5 in a real browser, as a learner uses it: deploy the solution from the page, run the
// snippets of both halves, fill in the side-by-side table and see every checkpoint pass.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { chartTotal, diagramDrawn, litEdge, progressMarked, startWorkshop, type Workshop } from './harness.ts';

let lab: Workshop;

before(async () => {
  lab = await startWorkshop();
});

after(() => lab?.stop());

/** Lines of the page's two charts: ordered messaging, then the stream's readers. */
const [FIFO_PUBLISHED, LEDGER_INVOCATIONS] = [0, 5];
const [DISTANCE_BATCHES, DISTANCE_FAILED_BATCHES, LOCATOR_BATCHES, BATCHES_NOTED] = [0, 1, 2, 4];

async function openLab5(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${lab.siteUrl}/lab-5-messaging-and-streaming`);
  await page.getByRole('heading', { name: 'Lab 5: Ordered messaging and streaming, side by side' }).waitFor();
  return errors;
}

/** Waits until the first (or last) element with this test id says it is done or failed, and returns its state. */
async function settled(page: Page, testId: string, timeout: number, which: 'first' | 'last' = 'first'): Promise<string> {
  const element = page.getByTestId(testId)[which]();
  await element.waitFor({ timeout });
  await page.waitForFunction((el) => ['done', 'failed'].includes(el?.getAttribute('data-state') ?? ''), await element.elementHandle(), {
    timeout,
  });
  return (await element.getAttribute('data-state'))!;
}

/** Runs a snippet from its Run button and returns what it printed. */
async function run(page: Page, snippet: string): Promise<string> {
  await page.getByTestId(`run-lab-5-${snippet}`).first().click();
  const state = await settled(page, `run-output-lab-5-${snippet}`, 60_000);
  const output = await page.getByTestId(`run-output-lab-5-${snippet}`).first().innerText();
  assert.equal(state, 'done', output);
  return output;
}

describe('Lab 5 in the browser', { timeout: 420_000 }, () => {
  test('Deploy the solution, run both halves, fill in the table: every checkpoint passes', async () => {
    const page = await lab.browser.newPage();
    const errors = await openLab5(page);
    // Step 2 shows what to type: the mapping, one message at a time.
    assert.match(
      await page.getByTestId('step-code-lab-5-2').innerText(),
      /\+\s*services\.rideLedger\.addEventSource\(new SqsEventSource\(ledgerQueue, \{ batchSize: 1 \}\)\);/,
    );
    // Step 4 replaces the import line of step 2 with a longer one.
    assert.match(
      await page.getByTestId('step-code-lab-5-4').innerText(),
      /−\s*import \{ SqsEventSource \} from 'aws-cdk-lib\/aws-lambda-event-sources';/,
    );
    assert.match(await page.locator('article').innerText(), /FIFO topics deliver only to SQS queues/);

    await page.getByTestId('deploy-solution-lab-5').first().click();
    assert.equal(
      await settled(page, 'deploy-status-lab-5', 180_000),
      'done',
      await page.getByTestId('deploy-status-lab-5').first().innerText(),
    );
    assert.match(await page.getByTestId('deploy-status-lab-5').first().innerText(), /TelemetryStreamName/);
    await diagramDrawn(page, 'lab-5', 'subscription');

    const burst = await run(page, 'publish-ride-events');
    assert.equal(burst.match(/✓ in order/g)?.length, 12, burst);
    const flow = page.getByTestId('message-flow');
    // The flow keeps its last lines: after the burst, the ledger running on its queue's messages.
    await page.waitForFunction((el) => /RideLedgerService ran \(sqs/.test(el?.textContent ?? ''), await flow.elementHandle(), {
      timeout: 30_000,
    });
    assert.match(await run(page, 'publish-duplicates'), /Five publishes, all accepted; the ledger of ride-dup-\w+ received 3:/);
    assert.match(await run(page, 'poison-a-ride'), /waited behind its malformed event through 3 failed receives/);
    assert.match(await run(page, 'send-telemetry'), /Shadowfax\s+walked [\d,.]+ m in these 6 pings/);
    assert.match(await run(page, 'send-bad-ping'), /One record: bisecting the batch isolated the bad record/);
    // The replay reads the stream beside the distance service and meets the bad ping too (a batch
    // bisected and retried): on a busy machine it may still be a moment behind. Compare again, as
    // a learner would.
    const caughtUp = /Shadowfax\s+[\d,.]+ m\s+[\d,.]+ m =/;
    let readers = await run(page, 'compare-readers');
    for (const until = Date.now() + 30_000; !caughtUp.test(readers) && Date.now() < until; ) {
      await page.waitForTimeout(1_000);
      readers = await run(page, 'compare-readers');
    }
    assert.match(readers, /3 reader\(s\)/);
    assert.match(readers, /Shadowfax\s+[\d,.]+ m\s+[\d,.]+ m =/, 'the replay reached the live distance');

    // The diagram lit both halves: the FIFO topic into the ledger's queue and its mapping; the
    // stream's mapping to the distance service, its failed batch and the batch noted on failure.
    assert.ok((await litEdge(page, 'lab-5', 'subscription', ['RideEvents.fifo->', 'RideLedgerQueue.fifo#'], { min: 60 })) >= 60);
    await litEdge(page, 'lab-5', 'mapping', ['RideLedgerQueue.fifo->']);
    await litEdge(page, 'lab-5', 'mapping', [':kinesis:', 'UnicornDistanceService#']);
    await litEdge(page, 'lab-5', 'mapping', [':kinesis:', 'UnicornDistanceService#'], { counter: 'failed' });
    await litEdge(page, 'lab-5', 'destination', ['UnicornDistanceService->', 'TelemetryFailures']);
    await litEdge(page, 'lab-5', 'mapping', [':kinesis:', 'UnicornLocator#']);
    // The charts: twelve rides of five events each published and run through the ledger one by
    // one; the stream's readers ran in batches, one of which failed and was noted.
    assert.ok((await chartTotal(page, 'lab-5', FIFO_PUBLISHED, 60)) >= 60);
    assert.ok((await chartTotal(page, 'lab-5', LEDGER_INVOCATIONS, 60)) >= 60);
    assert.ok((await chartTotal(page, 'lab-5', DISTANCE_BATCHES, 1, { nth: 1 })) >= 1);
    assert.ok((await chartTotal(page, 'lab-5', DISTANCE_FAILED_BATCHES, 1, { nth: 1 })) >= 1);
    assert.ok((await chartTotal(page, 'lab-5', LOCATOR_BATCHES, 1, { nth: 1 })) >= 1);
    assert.ok((await chartTotal(page, 'lab-5', BATCHES_NOTED, 1, { nth: 1 })) >= 1);
    const table = await run(page, 'side-by-side');
    assert.match(table, /per message group: \d+\/\d+ rides in order/);
    assert.match(table, /replay = live for \d+\/\d+ unicorns/);

    await page.getByTestId('check-lab-5').click();
    await page.getByTestId('check-summary-lab-5').waitFor({ timeout: 120_000 });
    const results = await page
      .locator('[data-testid^="checkpoint-"]')
      .evaluateAll((elements) => elements.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-ok')]));
    assert.equal(results.length, 16);
    assert.deepEqual(
      results.filter(([, ok]) => ok !== 'true'),
      [],
      await page.getByTestId('check-summary-lab-5').innerText(),
    );
    assert.match(await page.getByTestId('check-summary-lab-5').innerText(), /16\/16 checkpoints pass/);
    await progressMarked(page, 'Lab 5', 6);

    // Clean up from the page, then the check that nothing bills by the hour.
    await page.getByTestId('destroy-lab-5').last().click();
    assert.equal(await settled(page, 'deploy-status-lab-5', 120_000, 'last'), 'done');
    assert.match(
      await run(page, 'cleanup-check'),
      /No Kinesis stream of \w+ in us-east-1: nothing bills by the shard-hour\. \w+-lab-5 is gone too\./,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('without a lab API (a static build), the widgets show the CLI commands', async () => {
    const page = await lab.browser.newPage();
    await page.route('**/api/**', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await openLab5(page);
    await page.getByText('npx workshop verify lab-5', { exact: true }).first().waitFor();
    assert.equal(await page.getByTestId('deploy-lab-5').count(), 0, 'no Deploy button that cannot work');
    assert.ok((await page.getByText('npx workshop run lab-5 side-by-side').count()) > 0);
    await page.close();
  });
});
