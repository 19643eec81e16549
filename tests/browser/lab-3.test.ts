// Lab 3 in a real browser, as a learner uses it: the site (dev server, as npm start runs it),
// its lab API and a local cloud, driven through Debian's Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { chartTotal, diagramDrawn, litEdge, progressMarked, startWorkshop, type Workshop } from './harness.ts';

let site: Workshop;
before(async () => {
  site = await startWorkshop();
});
after(() => site?.stop());

/** Lines of the page's chart. */
const [PROVIDER_INVOCATIONS, ANSWERS_SENT] = [0, 2];

/** Opens the Lab 3 page; returns the page errors it collects. */
async function openLab3(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.siteUrl}/lab-3-scatter-gather`);
  await page.getByRole('heading', { name: 'Lab 3: Scatter-gather' }).waitFor();
  return errors;
}

/** Waits until the first widget element with `testId` is done or failed. */
function settled(page: Page, testId: string, timeout: number) {
  return page.waitForFunction(
    (id) => ['done', 'failed'].includes(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-state') ?? ''),
    testId,
    { timeout },
  );
}

describe('Lab 3 in the browser', { timeout: 420_000 }, () => {
  test('Deploy the solution, watch quotes arrive one by one until the request closes, and pass every checkpoint', async () => {
    const page = await site.browser.newPage();
    const errors = await openLab3(page);
    // What step 5 asks the learner to type: the deadline parameter and its wiring.
    const step5 = await page.getByTestId('step-code-lab-3-5').innerText();
    assert.match(step5, /\+\s*const deadline = new CfnParameter\(this, 'DeadlineSeconds', \{/);
    assert.match(step5, /\+\s*services\.requestService\.addEnvironment\('DEADLINE_SECONDS', deadline\.valueAsString\);/);
    // The page names the deadline mechanism and its alternatives.
    const article = await page.locator('article').innerText();
    for (const words of [/SQS message timer/, /at most 15 minutes/, /Step Functions Wait state/, /EventBridge Scheduler/])
      assert.match(article, words);

    await page.getByTestId('deploy-solution-lab-3').first().click();
    await settled(page, 'deploy-status-lab-3', 180_000);
    const status = page.getByTestId('deploy-status-lab-3').first();
    assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());
    assert.match(await status.innerText(), /QueryRfqUrl/);
    await diagramDrawn(page, 'lab-3', 'subscription');

    // As on the page: a first request for quotes, whose rows the snippet shows as they land.
    await page.getByTestId('run-lab-3-request-quote').first().click();
    await settled(page, 'run-output-lab-3-request-quote', 60_000);
    assert.match(await page.getByTestId('run-output-lab-3-request-quote').first().innerText(), /→ 201 \{"rfq-id":"[0-9a-f-]{36}"\}/);

    // The snippet polls the query endpoint; the page shows each answer as it is printed, while
    // the snippet is still running, then the close and what the customer was told. Every change
    // of the output is recorded, so that a state in between cannot slip by unobserved.
    await page.evaluate(() => {
      const seen: { state: string | null; answers: number }[] = [];
      (window as unknown as { outputStates: typeof seen }).outputStates = seen;
      new MutationObserver(() => {
        const output = document.querySelector('[data-testid="run-output-lab-3-watch-quotes"]');
        if (output)
          seen.push({
            state: output.getAttribute('data-state'),
            answers: (output.textContent?.match(/UnicornManagementResource\d+\s+(quotes|declines)/g) ?? []).length,
          });
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByTestId('run-lab-3-watch-quotes').first().click();
    await settled(page, 'run-output-lab-3-watch-quotes', 60_000);
    const states = await page.evaluate(
      () => (window as unknown as { outputStates: { state: string | null; answers: number }[] }).outputStates,
    );
    const watched = await page.getByTestId('run-output-lab-3-watch-quotes').first().innerText();
    assert.ok(
      states.some((s) => s.state === 'running' && s.answers > 0),
      `no answer was shown before the snippet ended (${JSON.stringify(states.slice(-3))}):\n${watched}`,
    );
    // Usually every provider has answered well before the deadline; on a busy machine, ten
    // providers starting at once can take longer, and then the deadline closes the request.
    const closed = /closed \((all-answered|deadline)\): best quote (UnicornManagementResource\d+ at \d+\.\d\d|none)/.exec(watched);
    assert.ok(closed, watched);
    const answers = (watched.match(/UnicornManagementResource\d+\s+(quotes|declines)/g) ?? []).length;
    const silent = /no answer from (.*)$/m.exec(watched)?.[1].split(', ').length ?? 0;
    assert.equal(answers + silent, 10, watched);
    if (closed[1] === 'all-answered') assert.equal(silent, 0, watched);
    assert.match(watched, /The customer was told: (Your unicorn|Sorry, no unicorn can take you) from Berlin to Potsdam/);

    // The diagram lit the scatter (the topic's delivery to each of the ten providers) and the
    // gather (the response queue's mapping to the Quotes Response Service).
    for (let i = 1; i <= 10; i++)
      await litEdge(page, 'lab-3', 'subscription', ['RequestForQuotesTopic->', `UnicornManagementResource${i}#`]);
    await litEdge(page, 'lab-3', 'mapping', ['RequestForQuotesResponseQueue->', 'QuotesResponse']);
    // The chart counted the ten providers' invocations (one line, summed by metric math) and the answers sent.
    assert.ok((await chartTotal(page, 'lab-3', PROVIDER_INVOCATIONS, 10)) >= 10);
    assert.ok((await chartTotal(page, 'lab-3', ANSWERS_SENT, 1)) >= 1);

    await page.getByTestId('check-lab-3').click();
    await page.getByTestId('check-summary-lab-3').waitFor({ timeout: 240_000 });
    const rows = page.locator('[data-testid^="checkpoint-"]');
    const results = await rows.evaluateAll((elements) => elements.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-ok')]));
    assert.equal(results.length, 9);
    assert.deepEqual(
      results.filter(([, ok]) => ok !== 'true'),
      [],
      await page.getByTestId('check-summary-lab-3').innerText(),
    );
    assert.match(await page.getByTestId('check-summary-lab-3').innerText(), /9\/9 checkpoints pass/);
    await progressMarked(page, 'Lab 3', 5);

    // The chart draws once in view.
    const chart = page.getByTestId('metrics-lab-3').first();
    await chart.scrollIntoViewIfNeeded();
    await chart.locator('.uplot').waitFor({ timeout: 30_000 });
    await page.getByTestId('destroy-lab-3').first().click();
    await settled(page, 'deploy-status-lab-3', 120_000);
    assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());
    assert.equal(site.cloud.services.lambda.functions.size, 0);
    // The chart says the lab is gone, and no longer draws its lines.
    await page.getByTestId('metrics-not-deployed-lab-3').first().waitFor({ timeout: 30_000 });
    assert.equal(await chart.locator('.uplot').count(), 0, 'the chart still draws the lines of a stack that is gone');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('without a lab API (a static build), the widgets show the CLI commands', async () => {
    const page = await site.browser.newPage();
    await page.route('**/api/**', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await openLab3(page);
    await page.getByText('npx workshop verify lab-3', { exact: true }).first().waitFor();
    assert.equal(await page.getByTestId('deploy-lab-3').count(), 0, 'no Deploy button that cannot work');
    assert.ok((await page.getByText('npx workshop run lab-3 slow-and-silent').count()) > 0);
    await page.close();
  });
});
