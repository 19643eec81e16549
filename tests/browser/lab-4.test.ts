// Lab 4 in a real browser, as a learner uses it: deploy the saga from the page, process a good fare
// and a failing one, and see each execution's path drawn on the state machine's graph.
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
const [EXECUTIONS_STARTED, EXECUTIONS_SUCCEEDED, EXECUTIONS_FAILED, CREDIT_ERRORS] = [0, 1, 2, 4];

/** Clicks a Run button of the page and waits for its output to end; returns the output. */
async function run(page: Page, snippet: string): Promise<string> {
  await page.getByTestId(`run-lab-4-${snippet}`).first().click();
  const output = page.getByTestId(`run-output-lab-4-${snippet}`).first();
  await page.waitForFunction((el) => ['done', 'failed'].includes(el?.getAttribute('data-state') ?? ''), await output.elementHandle(), {
    timeout: 60_000,
  });
  const text = await output.innerText();
  assert.equal(await output.getAttribute('data-state'), 'done', text);
  return text;
}

/** Waits until the execution view has drawn the whole path of an execution that ended `status`. */
async function drawn(page: Page, status: string) {
  const outcome = page.getByTestId('execution-outcome-lab-4');
  await outcome.waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="execution-outcome-lab-4"]')?.getAttribute('data-status') === expected,
    status,
    { timeout: 30_000 },
  );
  const graph = page.getByTestId('execution-graph-lab-4');
  const states = await graph
    .locator('g[data-state]')
    .evaluateAll((nodes) => Object.fromEntries(nodes.map((n) => [n.getAttribute('data-state'), n.getAttribute('data-status')])));
  return { outcome: await outcome.innerText(), path: await page.getByTestId('execution-path-lab-4').innerText(), states };
}

describe('Lab 4 in the browser', { timeout: 300_000 }, () => {
  test('deploy the saga, process a good fare and a failed credit, and see each path drawn', async () => {
    const page = await site.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${site.siteUrl}/lab-4-saga`);
    await page.getByRole('heading', { name: 'Lab 4: Orchestration and coordination: the fare-collection saga' }).waitFor();
    // Step 3 shows the catchers the learner adds.
    assert.match(
      await page.getByTestId('step-code-lab-4-3').innerText(),
      /\+\s*creditCustomerAccount\.addCatch\(refundFare, \{ errors: \['AccountCreditException'\]/,
    );

    await page.getByTestId('deploy-solution-lab-4').first().click();
    const status = page.getByTestId('deploy-status-lab-4').first();
    await page.waitForFunction((el) => ['done', 'failed'].includes(el!.getAttribute('data-state')!), await status.elementHandle(), {
      timeout: 120_000,
    });
    assert.equal(await status.getAttribute('data-state'), 'done', await status.innerText());

    // The view draws the state machine's own graph once it is deployed.
    const graph = page.getByTestId('execution-graph-lab-4');
    await graph.locator('g[data-state="ParkFailedRefund"]').waitFor({ timeout: 30_000 });
    await diagramDrawn(page, 'lab-4', 'task');

    assert.match(await run(page, 'process-fare'), /Execution SUCCEEDED/);
    const good = await drawn(page, 'SUCCEEDED');
    assert.match(good.outcome, /SUCCEEDED in \d+ ms · 6 state transitions/);
    assert.match(
      good.path,
      /RegisterFare[\s\S]*ChargeFare[\s\S]*CreditCustomerAccount[\s\S]*SetFareStatusCompleted[\s\S]*NotifySuccess[\s\S]*FareProcessingSucceeded/,
    );
    assert.equal(good.states.FareProcessingSucceeded, 'succeeded');
    assert.equal(good.states.RefundFare, 'not-entered');

    assert.match(await run(page, 'fare-fail-credit'), /Execution FAILED with AccountCreditException/);
    const compensated = await drawn(page, 'FAILED');
    assert.match(compensated.outcome, /FAILED \(AccountCreditException\)/);
    assert.match(compensated.path, /CreditCustomerAccount · ✕ AccountCreditException · caught → RefundFare/);
    assert.deepEqual(
      [
        'ChargeFare',
        'CreditCustomerAccount',
        'RefundFare',
        'SetFareStatusFailed',
        'NotifyFailure',
        'FareProcessingFailed',
        'NotifySuccess',
      ].map((state) => compensated.states[state]),
      ['succeeded', 'caught', 'succeeded', 'succeeded', 'succeeded', 'failed', 'not-entered'],
    );
    // The catcher's arrow is drawn as taken.
    assert.ok((await graph.locator('path[class*="taken"][class*="catch"]').count()) >= 1, 'the caught error is drawn on its dashed arrow');

    // The stack's diagram lit the tasks each execution ran: two charges, one failed credit, its refund.
    assert.ok((await litEdge(page, 'lab-4', 'task', ['ChargeFareFunction'], { min: 2 })) >= 2);
    await litEdge(page, 'lab-4', 'task', ['CreditCustomerAccountFunction'], { counter: 'failed' });
    await litEdge(page, 'lab-4', 'task', ['RefundFareFunction']);
    // The chart: AWS/States counts by state machine, AWS/Lambda errors of the failed service.
    assert.ok((await chartTotal(page, 'lab-4', EXECUTIONS_STARTED, 2)) >= 2);
    assert.ok((await chartTotal(page, 'lab-4', EXECUTIONS_SUCCEEDED, 1)) >= 1);
    assert.ok((await chartTotal(page, 'lab-4', EXECUTIONS_FAILED, 1)) >= 1);
    assert.ok((await chartTotal(page, 'lab-4', CREDIT_ERRORS, 1)) >= 1);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the whole lab checks out from the page', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.siteUrl}/lab-4-saga`);
    await page.getByTestId('check-lab-4').click();
    await page.getByTestId('check-summary-lab-4').waitFor({ timeout: 120_000 });
    const results = await page
      .locator('[data-testid^="checkpoint-"]')
      .evaluateAll((elements) =>
        elements.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-ok'), (e as HTMLElement).innerText]),
      );
    assert.equal(results.length, 15);
    const summary = await page.getByTestId('check-summary-lab-4').innerText();
    assert.deepEqual(
      results.filter(([, ok]) => ok !== 'true'),
      [],
      summary,
    );
    await progressMarked(page, 'Lab 4', 6);
    console.log(`# Lab 4 from the page: ${summary}`);
    await page.close();
  });

  test('without a lab API, the execution view shows the command that reads the history', async () => {
    const page = await site.browser.newPage();
    await page.route('**/api/**', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await page.goto(`${site.siteUrl}/lab-4-saga`);
    await page.getByText('npx workshop run lab-4 execution-history', { exact: true }).first().waitFor();
    await page.close();
  });
});
