// An instructor-led session in a real browser: the instructor's dashboard (a page of the site)
// follows a real class server live while learners join — one through the Join box on the site,
// one through their own lab API — and run their checkpoints against a local cloud.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createLabApi } from '../../src/api/app.ts';
import { serveOnLoopback } from '../../src/api/node-server.ts';
import { accessPolicy } from '../../src/api/security.ts';
import { LearnerClassroom } from '../../src/class/learner/classroom.ts';
import { type RunningClass, startClassServer } from '../../src/class/run.ts';
import { startTestCloud, type TestCloud } from '../../src/cloud/testing/test-cloud.ts';
import { LabEngine } from '../../src/engine/engine.ts';
import { freePort, siteInBrowser, sitePortForTests } from './harness.ts';

let cloud: TestCloud;
let running: RunningClass;
let api: { port: number; close: () => Promise<void> };
let stopSite: () => Promise<void>;
let browser: Browser;
let siteUrl: string;
// Bob is another learner's machine: his own lab API, in this process.
let bob: { classroom: LearnerClassroom; engine: LabEngine; api: ReturnType<typeof createLabApi> };

before(async () => {
  cloud = await startTestCloud();
  running = await startClassServer({ dir: mkdtempSync(join(tmpdir(), 'class-browser-')), port: 0, name: 'Browser class' });
  const sitePort = await sitePortForTests();
  const apiPort = await freePort();
  // Ana's machine: the site and her lab API, as npm start runs them.
  const classroom = new LearnerClassroom(mkdtempSync(join(tmpdir(), 'learner-ana-')));
  const engine = new LabEngine({ ...cloud.target, prefix: 'ana' }, undefined, { classroom });
  api = await serveOnLoopback(createLabApi({ engine, access: accessPolicy(sitePort, apiPort), classroom }).fetch, apiPort, '');
  const bobClassroom = new LearnerClassroom(mkdtempSync(join(tmpdir(), 'learner-bob-')));
  const bobEngine = new LabEngine({ ...cloud.target, prefix: 'bob' }, undefined, { classroom: bobClassroom });
  bob = {
    classroom: bobClassroom,
    engine: bobEngine,
    api: createLabApi({ engine: bobEngine, access: accessPolicy(3000, 3001), classroom: bobClassroom }),
  };
  ({ siteUrl, browser, stop: stopSite } = await siteInBrowser(sitePort, apiPort));
});

after(async () => {
  await stopSite?.();
  await api?.close();
  await running?.close();
  await cloud?.stop();
});

/** Bob's lab API, called as his site would. */
function bobCalls(path: string, body: unknown) {
  return bob.api.fetch(
    new Request(`http://localhost:3000${path}`, {
      method: 'POST',
      headers: { host: 'localhost:3000', origin: 'http://localhost:3000', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

const state = (page: Page, testId: string) => page.getByTestId(testId).getAttribute('data-state');

async function waitForState(page: Page, testId: string, expected: string, timeout = 30_000) {
  await page.waitForFunction(
    ([id, value]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-state') === value,
    [testId, expected] as const,
    { timeout },
  );
}

describe('the class dashboard in the browser', { timeout: 420_000 }, () => {
  let dashboard: Page;
  let learner: Page;
  const errors: string[] = [];

  test('opens with the address class start prints, then hides the token from the address bar', async () => {
    dashboard = await browser.newPage();
    dashboard.on('pageerror', (error) => errors.push(error.message));
    await dashboard.goto(`${siteUrl}/class#server=${encodeURIComponent(running.localUrl)}&token=${running.store.info.instructorToken}`);
    await waitForState(dashboard, 'class-live', 'live');
    await dashboard.getByRole('heading', { name: 'Browser class' }).waitFor();
    await dashboard.getByTestId('class-empty').waitFor();
    assert.equal(new URL(dashboard.url()).hash, '', 'the token is not left in the address bar');
  });

  test('a wrong token is refused with the reason, and the page asks for the right one', async () => {
    const page = await browser.newPage();
    await page.goto(`${siteUrl}/class#server=${encodeURIComponent(running.localUrl)}&token=not-the-token`);
    await page.getByTestId('class-connect').waitFor();
    await page.getByText('That is not the instructor token of this class.').waitFor();
    await page.close();
  });

  test('a learner joins with the Join box; their preflight appears on the dashboard at once', async () => {
    learner = await browser.newPage();
    learner.on('pageerror', (error) => errors.push(error.message));
    await learner.goto(`${siteUrl}/`);
    const box = learner.getByTestId('class-join');
    await box.getByPlaceholder('http://192.168.1.20:3030').fill(running.localUrl);
    await box.getByPlaceholder('K7PQ-2MXA').fill(running.store.info.code.toLowerCase());
    await box.getByPlaceholder('Ana Silva').fill('Ana');
    await box.getByRole('button', { name: 'Join' }).click();
    await learner.waitForFunction(
      () => document.querySelector('[data-testid="class-join"]')?.getAttribute('data-joined') === 'true',
      undefined,
      { timeout: 30_000 },
    );
    assert.match((await box.textContent()) ?? '', /You are Ana in this class/);
    await dashboard.getByTestId('class-row-Ana').waitFor({ timeout: 10_000 });
    await dashboard.waitForFunction(
      () => document.querySelector('[data-testid="class-preflight-Ana"]')?.getAttribute('data-ok') === 'true',
      undefined,
      { timeout: 10_000 },
    );
  });

  test("the dashboard updates live as learners verify: each checkpoint's cell, pacing, the most common failure", async () => {
    const joined = await bobCalls('/api/class/join', { url: running.localUrl, code: running.store.info.code, name: 'Bob' });
    assert.equal(joined.status, 200, await joined.clone().text());
    await dashboard.getByTestId('class-row-Bob').waitFor({ timeout: 10_000 });

    // Ana presses Check on Lab 0's first step, in her browser.
    await learner.goto(`${siteUrl}/lab-0-setup`);
    await learner.getByTestId('check-lab-0-step-1').click();
    for (const checkpoint of ['node-version', 'target-answers', 'cdk-bootstrapped'])
      await waitForState(dashboard, `class-cell-Ana-lab-0-${checkpoint}`, 'pass');
    assert.equal(await state(dashboard, 'class-cell-Ana-lab-0-hello-round-trip'), 'none', 'step 2 was not run');

    // Bob checks Lab 1 with nothing deployed: every checkpoint fails.
    await (await bobCalls('/api/labs/lab-1/verify', {})).text();
    await waitForState(dashboard, 'class-cell-Bob-lab-1-topic-exists', 'fail');
    await dashboard.getByTestId('class-common-lab-1').waitFor();
    assert.match((await dashboard.getByTestId('class-common-lab-1').textContent()) ?? '', /RideCompletionTopic exists.*for 1: Bob/s);
    assert.equal(await dashboard.getByTestId('class-pacing-lab-1-step-1').getAttribute('data-through'), '0');
  });

  test('who is stuck: a checkpoint failing for longer than the threshold names the learner, the checkpoint and its hint', async () => {
    // A run Bob's machine queued a quarter of an hour ago (offline), sent now: Lab 0's round trip failed then.
    await bob.classroom.verified({
      lab: 'lab-0',
      at: Date.now() - 15 * 60_000,
      durationMs: 30,
      checkpoints: [{ id: 'hello-round-trip', step: 2, ok: false, durationMs: 12 }],
    });
    const entry = dashboard.getByTestId('class-stuck-Bob');
    await entry.waitFor({ timeout: 10_000 });
    assert.match(
      (await entry.textContent()) ?? '',
      /Bob has been failing A message goes through a queue and back \(lab-0, step 2\) for 1[45] min/,
    );
    assert.match((await entry.textContent()) ?? '', /Hint: Run the hello-queue snippet/);
    assert.equal(await state(dashboard, 'class-cell-Bob-lab-0-hello-round-trip'), 'stuck');
    assert.equal(await state(dashboard, 'class-cell-Bob-lab-1-topic-exists'), 'fail', 'failing for a few seconds only');
  });

  test('facilitator notes for the focused lab; a lab without notes says so', async () => {
    await waitForState(dashboard, 'class-notes-lab-1', 'notes');
    const notes = dashboard.getByTestId('class-notes-lab-1');
    for (const section of ['Timing', 'Usual mistakes', 'Questions for the room'])
      await notes.getByRole('heading', { name: section }).waitFor();
    await dashboard.getByRole('button', { name: 'Lab 0' }).click();
    await waitForState(dashboard, 'class-notes-lab-0', 'notes');
    assert.equal(await learner.getByText('Usual mistakes').count(), 0, 'learner pages never show the notes');
  });

  test("releasing a lab's solution from the dashboard lets the class deploy it", async () => {
    await dashboard.getByRole('button', { name: 'Lab 1' }).click();
    await assert.rejects(bob.classroom.checkSolution('lab-1'), /has not released the solution of lab-1/);
    const release = dashboard.getByTestId('class-release-lab-1');
    await release.getByRole('button', { name: 'Release the solution' }).click();
    await dashboard.waitForFunction(
      () => document.querySelector('[data-testid="class-release-lab-1"]')?.getAttribute('data-released') === 'true',
      undefined,
      { timeout: 10_000 },
    );
    assert.match((await release.textContent()) ?? '', /Solution released at/);
    assert.ok(running.store.releases()['lab-1']);
    await bob.classroom.checkSolution('lab-1');
  });

  test('a learner who leaves is greyed out, and nothing of theirs arrives any more', async () => {
    await learner.goto(`${siteUrl}/`);
    await learner.getByRole('button', { name: 'Leave the class' }).click();
    await learner.waitForFunction(() => document.querySelector('[data-testid="class-join"]')?.getAttribute('data-joined') === 'false');
    await dashboard.waitForFunction(
      () => /left/.test(document.querySelector('[data-testid="class-row-Ana"]')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    assert.deepEqual(errors, []);
  });
});
