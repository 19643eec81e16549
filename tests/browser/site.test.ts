// Labs 0 and 1 in a real browser as a learner uses them, with what the site adds to the labs:
// the step code shown as what to type, the live architecture and message flow, progress in the
// sidebar and on the home page, the cost panel, the CLI commands shown without a lab API, and
// accessibility (axe) on every page in light and dark mode.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ProgressStore } from '../../src/api/progress-store.ts';
import { chartTotal, finished, SITE_PAGES, seriousViolations, startWorkshop, type Workshop } from './harness.ts';

let workshop: Workshop;

before(async () => {
  workshop = await startWorkshop();
});
after(() => workshop?.stop());

async function open(path: string, heading?: string): Promise<{ page: Page; errors: string[] }> {
  const page = await workshop.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${workshop.siteUrl}${path}`);
  if (heading) await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  return { page, errors };
}

/** The rows of every Checkpoints panel on the page: [id, passed]. */
async function checkpointRows(page: Page): Promise<[string, string][]> {
  return page
    .locator('[data-testid^="checkpoint-"]')
    .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-testid')!, r.getAttribute('data-ok')!] as [string, string]));
}

/** The counter of the first diagram's edge whose id contains `part`. */
function edgeCounter(page: Page, part: string, counter: 'passed' | 'filtered' | 'failed') {
  return page.getByTestId('architecture-lab-1').first().locator(`[data-arch-edge*="${part}"] [data-counter=${counter}]`);
}

/** Lines of Lab 1's chart, in the order of the page. */
const [TOPIC_PUBLISHED, TOPIC_DELIVERED, TOPIC_FILTERED_OUT, NOTIFICATION_INVOCATIONS, ACCOUNTING_INVOCATIONS] = [0, 1, 2, 3, 4];

const sidebar = (page: Page) => page.locator('nav[aria-label="Docs sidebar"]');

/** The resources drawn in each of the page's diagrams of Lab 1. */
const nodeCounts = (page: Page) =>
  page.getByTestId('architecture-lab-1').evaluateAll((diagrams) => diagrams.map((d) => d.querySelectorAll('[data-arch-node]').length));

/** In the page: both diagrams of Lab 1 draw the whole stack (10 resources). */
const everyLab1DiagramDrawn = () =>
  Array.from(document.querySelectorAll('[data-testid="architecture-lab-1"]')).filter(
    (d) => d.querySelectorAll('[data-arch-node]').length >= 10,
  ).length === 2;

describe('the site in a browser', { timeout: 600_000 }, () => {
  test('Lab 0: run the snippet, every checkpoint passes, the sidebar marks its steps and the lab done', async () => {
    const { page, errors } = await open('/lab-0-setup', 'Lab 0: Set up');
    await page.getByTestId('run-lab-0-hello-queue').click();
    assert.equal(
      await finished(page, 'run-output-lab-0-hello-queue', 60_000),
      'done',
      await page.getByTestId('run-output-lab-0-hello-queue').innerText(),
    );
    await page.getByTestId('check-lab-0-step-1').click();
    await page.getByTestId('check-summary-lab-0').nth(0).waitFor({ timeout: 60_000 });
    await page.getByTestId('check-lab-0-step-2').click();
    await page.getByTestId('check-summary-lab-0').nth(1).waitFor({ timeout: 60_000 });
    const rows = await checkpointRows(page);
    assert.ok(rows.length >= 3, JSON.stringify(rows));
    assert.deepEqual(
      rows.filter(([, ok]) => ok !== 'true'),
      [],
    );
    await sidebar(page).getByTestId('sidebar-done-lab').waitFor({ timeout: 15_000 });
    assert.equal(await sidebar(page).getByTestId('sidebar-done-step').count(), 2);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('Lab 1: deploy the solution, see the stack drawn and lit as rides move, every checkpoint ✓, progress kept', async () => {
    const { page, errors } = await open('/lab-1-fan-out', 'Lab 1: Fan-out and message filtering');
    // Step 4 shows what to type: its subscription replaced by one with the filter policy.
    const step4 = page.getByTestId('step-code-lab-1-4');
    assert.match(
      await step4.innerText(),
      /−\s*topic\.addSubscription\(new subscriptions\.LambdaSubscription\(services\.extraordinaryRides\)\);/,
    );
    assert.match(await step4.innerText(), /\+\s*filterPolicy: \{/);
    assert.doesNotMatch(await page.locator('article').innerText(), /props\.step/);
    // Nothing deployed yet: the diagram says so, with the command.
    await page.getByTestId('architecture-empty-lab-1').first().waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('architecture-empty-lab-1').first().innerText(), /npx workshop deploy lab-1/);

    await page.getByTestId('deploy-solution-lab-1').first().click();
    assert.equal(await finished(page, 'deploy-status-lab-1'), 'done', await page.getByTestId('deploy-status-lab-1').first().innerText());
    assert.match(await page.getByTestId('deploy-status-lab-1').first().innerText(), /SubmitRideUrl/, 'the deploy shows the outputs');
    const diagram = page.getByTestId('architecture-lab-1').first();
    // The diagram redraws as the deploy goes (a busy machine may still show part of the stack when
    // the deploy reports done): the whole stack arrives with the redraw that follows it. The page
    // shows Lab 1's stack twice (at the deploy and at step 3): both are drawn, neither left on
    // "Drawing your stack…".
    await page.waitForFunction(everyLab1DiagramDrawn, undefined, { timeout: 30_000 }).catch(() => undefined);
    assert.deepEqual(await nodeCounts(page), [10, 10], 'API, 4 functions, topic, table, default bus, rule, queue, in each diagram');
    assert.match(await page.getByTestId('architecture-status-lab-1').first().innerText(), /deployed the solution/);

    // A ride through the API: the route, the publish and the three deliveries light and count.
    await page.getByTestId('run-lab-1-submit-ride').first().click();
    assert.equal(await finished(page, 'run-output-lab-1-submit-ride', 60_000), 'done');
    assert.match(await page.getByTestId('run-output-lab-1-submit-ride').first().innerText(), /→ 201 \{"id":"/);
    // The message flow follows the ride from the publish to the subscribers that ran.
    const flow = page.getByTestId('message-flow');
    await page.waitForFunction((el) => /ran \(sns/.test(el?.textContent ?? ''), await flow.elementHandle(), { timeout: 30_000 });
    assert.match(await flow.innerText(), /RideCompletionTopic ← published/);
    for (const part of ['integration:', 'CustomerNotificationService', 'CustomerAccountingService']) {
      await edgeCounter(page, part, 'passed').first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    await page.waitForFunction(
      (el) =>
        Array.from(el!.querySelectorAll('[data-arch-edge^="subscription:"] [data-counter=passed]')).filter(
          (c) => !(c as HTMLElement).hidden && Number(c.textContent) >= 1,
        ).length === 3,
      await diagram.elementHandle(),
      { timeout: 15_000 },
    );
    // The chart moves: the publish, its deliveries and the subscribers' invocations, read from CloudWatch.
    assert.ok((await chartTotal(page, 'lab-1', TOPIC_PUBLISHED, 1)) >= 1);
    assert.ok((await chartTotal(page, 'lab-1', TOPIC_DELIVERED, 3)) >= 3);
    for (const line of [NOTIFICATION_INVOCATIONS, ACCOUNTING_INVOCATIONS]) assert.ok((await chartTotal(page, 'lab-1', line, 1)) >= 1);
    // The short ride is filtered out for Extraordinary Rides: its edge says so.
    await page.getByTestId('run-lab-1-publish-test-messages').first().click();
    assert.equal(await finished(page, 'run-output-lab-1-publish-test-messages', 60_000), 'done');
    await edgeCounter(page, 'ExtraordinaryRidesService', 'filtered').first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await edgeCounter(page, 'ExtraordinaryRidesService', 'filtered').first().innerText(), /✕ \d+ filtered/);
    assert.ok((await chartTotal(page, 'lab-1', TOPIC_FILTERED_OUT, 1)) >= 1, 'the chart counts the filtered-out delivery too');
    assert.match(
      await diagram
        .locator('[data-role=text]')
        .allInnerTexts()
        .then((t) => t.join(' ')),
      /ran \d/,
    );
    // The accessible twin lists the links in words, with the filter policy in full.
    assert.match((await diagram.locator('details').textContent()) ?? '', /filter policy \{"fare"/);

    await page.getByTestId('check-lab-1').click();
    await page.getByTestId('check-summary-lab-1').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('check-summary-lab-1').innerText(), /8\/8 checkpoints pass/);
    const rows = await checkpointRows(page);
    assert.equal(rows.length, 8, JSON.stringify(rows));
    assert.deepEqual(
      rows.filter(([, ok]) => ok !== 'true'),
      [],
    );

    // Progress: every step and the lab marked in the sidebar, kept by the lab API on disk.
    await sidebar(page).locator('.sidebar-done').filter({ hasText: 'Lab 1' }).first().waitFor({ timeout: 15_000 });
    const stored = new ProgressStore(join(workshop.stateDir, 'progress.json')).get(`local/${workshop.cloud.target.prefix}`);
    assert.equal(Object.values(stored.labs['lab-1'].checkpoints).filter((c) => c.ok).length, 8);
    await page.reload();
    await sidebar(page).getByTestId('sidebar-done-lab').nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await sidebar(page).getByTestId('sidebar-done-step').count(), 2 + 5);

    // The cost panel priced what ran.
    const cost = page.getByTestId('cost-lab-1');
    await cost.locator('[data-cost-line=lambdaRequest]').waitFor({ timeout: 15_000 });
    assert.match(await cost.innerText(), /SNS publishes/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a diagram whose code cannot be fetched says so, and the page's diagrams draw when the learner tries again", async () => {
    const page = await workshop.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The graph libraries' chunk (named in src/plugins/site-webpack.ts) fails to arrive, as when
    // the workshop was stopped while the page stayed open.
    let offline = true;
    await page.route('**/graph-libraries*.js', (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
    await page.goto(`${workshop.siteUrl}/lab-1-fan-out`);
    const alerts = page.getByTestId('architecture-lab-1').getByRole('alert');
    await alerts.nth(1).waitFor({ timeout: 30_000 });
    assert.match(await alerts.first().innerText(), /✗ The diagram's code did not load \(.+\)\. Is the workshop still running\?/);
    assert.deepEqual(await nodeCounts(page), [0, 0]);
    offline = false;
    await alerts.first().getByRole('button', { name: 'Try again' }).click();
    await page.waitForFunction(everyLab1DiagramDrawn, undefined, { timeout: 30_000 }).catch(() => undefined);
    assert.deepEqual(await nodeCounts(page), [10, 10], 'one try draws both diagrams');
    assert.equal(await alerts.count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the home page shows progress per lab and where the learner left off; reset forgets it', async () => {
    const { page, errors } = await open('/');
    const lab1 = page.getByTestId('lab-progress-lab-1');
    await lab1.waitFor({ timeout: 30_000 });
    assert.equal(await lab1.getAttribute('data-passed'), '8');
    assert.match(await lab1.innerText(), /8 of 8 checkpoints pass/);
    await page.getByRole('link', { name: /Continue where you left off/ }).waitFor();
    await page.getByRole('button', { name: 'Reset my progress' }).click();
    await page.getByTestId('reset-progress').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=lab-progress-lab-1]')?.getAttribute('data-passed') === '0',
      undefined,
      { timeout: 15_000 },
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a check run in a terminal shows on the page when the learner comes back to it', async () => {
    const { page, errors } = await open('/');
    const lab1 = page.getByTestId('lab-progress-lab-1');
    await lab1.waitFor({ timeout: 30_000 });
    const before = Number(await lab1.getAttribute('data-passed'));
    // What `npx workshop verify lab-1` does from a terminal: it records into the same file.
    const labs: { id: string; checkpoints: { id: string; step: number }[] }[] = await page.evaluate(
      async () => (await (await fetch('/api/labs')).json()).labs,
    );
    const unpassed = labs.find((l) => l.id === 'lab-1')!.checkpoints[before];
    const { kind, prefix } = workshop.cloud.target;
    new ProgressStore(join(workshop.stateDir, 'progress.json')).recordCheckpoint(`${kind}/${prefix}`, 'lab-1', unpassed.id, {
      step: unpassed.step,
      ok: true,
      at: Date.now(),
    });
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid=lab-progress-lab-1]')?.getAttribute('data-passed') === expected,
      String(before + 1),
      { timeout: 15_000 },
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('Lab 1 without a lab API (a static build): the widgets show the CLI commands', async () => {
    const page = await workshop.browser.newPage();
    await page.route('**/api/**', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
    await page.goto(`${workshop.siteUrl}/lab-1-fan-out`);
    await page.getByRole('heading', { name: 'Lab 1: Fan-out and message filtering', level: 1 }).waitFor();
    await page.getByText('npx workshop verify lab-1', { exact: true }).first().waitFor();
    assert.equal(await page.getByTestId('deploy-lab-1').count(), 0, 'no Deploy button that cannot work');
    assert.ok((await page.getByText('npx workshop run lab-1 submit-ride').count()) > 0);
    await page.close();
  });

  test('every page has no serious accessibility violation, in light mode and in dark (axe)', async () => {
    const found: string[] = [];
    for (const path of SITE_PAGES) {
      // One load per page: the site follows the system's colour scheme, so switching that repaints
      // the page in the other mode, as it does for a learner who switches theirs.
      const page = await workshop.browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
      await page.goto(`${workshop.siteUrl}${path}`);
      // The dev server's pages render in the browser: the page is there once its heading is, and
      // it follows the system's scheme from then on.
      await page.locator('h1').first().waitFor({ timeout: 60_000 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForFunction((expected) => document.documentElement.getAttribute('data-theme') === expected, scheme);
        // Lab 1 is deployed: its diagram and its chart (with points) are checked too.
        if (path === '/lab-1-fan-out') {
          await page.getByTestId('architecture-lab-1').first().locator('[data-arch-node]').first().waitFor({ timeout: 30_000 });
          await page.waitForFunction(
            () => Number(document.querySelector('[data-testid="metrics-lab-1"]')?.getAttribute('data-points') ?? 0) > 0,
            undefined,
            { timeout: 30_000 },
          );
        }
        await page.waitForTimeout(1_000);
        found.push(...(await seriousViolations(page)).map((v) => `${path} (${scheme} mode): ${v}`));
      }
      await page.close();
    }
    assert.deepEqual(found, [], 'serious violations');
  });
});
