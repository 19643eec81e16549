import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { check, defineLab, labContext, print } from '../../labs/kit/index.ts';
import { LabEngine } from '../engine/engine.ts';
import { EngineError } from '../engine/events.ts';
import { createLabApi } from './app.ts';
import { ProgressStore } from './progress-store.ts';
import { accessPolicy } from './security.ts';

const lab = defineLab({
  id: 'lab-7',
  slug: 'lab-7-test',
  title: 'A lab for the API tests',
  steps: [
    { n: 1, title: 'One' },
    { n: 2, title: 'Two' },
  ],
  snippets: [
    {
      name: 'hello',
      title: 'Hello',
      description: 'prints',
      source: 'snippets/hello.ts',
      run: async () => {
        print('line one');
        print('line two');
      },
    },
    {
      name: 'worker',
      title: 'Worker',
      description: 'works until stopped',
      source: 'snippets/worker.ts',
      untilStopped: { feed: 'hello', proof: /working/ },
      run: async () => {
        const { signal } = labContext();
        print('working');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        print('finished the work in hand');
      },
    },
  ],
  checkpoints: [
    { id: 'passes', step: 1, title: 'passes', hint: 'nothing to do', run: async () => 'all good' },
    { id: 'fails', step: 2, title: 'fails', hint: 'add the thing', run: async () => check(false, 'the thing is missing') },
  ],
});
const engine = new LabEngine(
  { kind: 'local', endpoint: 'http://localhost:59999', region: 'us-east-1', prefix: 'tester' },
  {
    load: async (id) => {
      if (id !== 'lab-7' && id !== '7') throw new EngineError('UnknownLab', `There is no lab "${id}".`);
      return lab;
    },
    all: async () => [lab],
  },
);
const api = createLabApi({ engine, access: accessPolicy(3000, 3001) });
const site = { host: 'localhost:3000', origin: 'http://localhost:3000' };

function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = {
    host: site.host,
    ...(init.body !== undefined ? { 'content-type': 'application/json', origin: site.origin } : {}),
    ...init.headers,
  };
  return api.fetch(
    new Request(`http://${headers.host}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  );
}

async function events(response: Response) {
  assert.equal(response.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
  return (await response.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('lab API', () => {
  test('health names the target', async () => {
    const response = await call('/api/health');
    assert.equal(response.status, 200);
    assert.deepEqual((await response.json()).target, {
      kind: 'local',
      endpoint: 'http://localhost:59999',
      region: 'us-east-1',
      prefix: 'tester',
    });
  });

  test('lists labs with steps, snippets and checkpoints, without their code', async () => {
    const { labs } = await (await call('/api/labs')).json();
    assert.equal(labs.length, 1);
    assert.deepEqual(labs[0].checkpoints[1], { id: 'fails', step: 2, title: 'fails', hint: 'add the thing' });
    assert.deepEqual(Object.keys(labs[0].snippets[0]).sort(), ['description', 'name', 'source', 'title', 'untilStopped']);
    assert.deepEqual(
      labs[0].snippets.map((s: { untilStopped: boolean }) => s.untilStopped),
      [false, true],
    );
  });

  test('runs a snippet as a stream of output lines', async () => {
    const stream = await events(await call('/api/labs/lab-7/run/hello', { body: {} }));
    assert.deepEqual(stream.slice(0, 2), [
      { type: 'output', line: 'line one' },
      { type: 'output', line: 'line two' },
    ]);
    assert.equal(stream.at(-1).type, 'done');
    assert.equal(stream.at(-1).ok, true);
  });

  test('verifies: one event per checkpoint with its hint, then the count', async () => {
    const stream = await events(await call('/api/labs/7/verify', { body: {} }));
    assert.deepEqual(stream[0], {
      type: 'checkpoint',
      id: 'passes',
      step: 1,
      title: 'passes',
      hint: 'nothing to do',
      ok: true,
      detail: 'all good',
    });
    assert.deepEqual(stream[1], {
      type: 'checkpoint',
      id: 'fails',
      step: 2,
      title: 'fails',
      hint: 'add the thing',
      ok: false,
      detail: 'the thing is missing',
    });
    assert.deepEqual({ ...stream[2], durationMs: 0 }, { type: 'done', ok: false, passed: 1, total: 2, durationMs: 0 });
  });

  test('unknown labs and snippets are 404 with a message', async () => {
    const response = await call('/api/labs/lab-99/verify', { body: {} });
    assert.equal(response.status, 404);
    assert.match((await response.json()).error.message, /There is no lab "lab-99"/);
    assert.equal((await call('/api/labs/lab-7/run/rm-rf', { body: {} })).status, 404);
  });

  test('refuses foreign origins, foreign hosts and non-JSON posts', async () => {
    assert.equal((await call('/api/labs/lab-7/verify', { body: {}, headers: { origin: 'http://evil.example' } })).status, 403);
    assert.equal((await call('/api/health', { headers: { host: 'evil.example:3000' } })).status, 403);
    const form = await api.fetch(
      new Request('http://localhost:3000/api/labs/lab-7/verify', {
        method: 'POST',
        headers: { host: 'localhost:3000', 'content-type': 'text/plain' },
        body: '{}',
      }),
    );
    assert.equal(form.status, 415);
    assert.equal((await call('/api/labs/lab-7/verify', { method: 'DELETE' })).status, 405);
  });

  test("relays the cloud's event stream, and says so when the cloud is not running", async () => {
    const response = await call('/api/events');
    assert.equal(response.status, 503);
    assert.match((await response.json()).error.message, /npm start/);
  });

  test("keeps the learner's checkpoint results and reading position, and forgets them on reset", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-progress-'));
    try {
      const store = new ProgressStore(join(dir, 'progress.json'));
      const withProgress = createLabApi({ engine, access: accessPolicy(3000, 3001), progress: store });
      const ask = (path: string, body?: unknown) =>
        withProgress.fetch(
          new Request(`http://localhost:3000${path}`, {
            method: body === undefined ? 'GET' : 'POST',
            headers: { host: site.host, ...(body === undefined ? {} : { 'content-type': 'application/json', origin: site.origin }) },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
        );
      await (await ask('/api/labs/lab-7/verify', {})).text();
      const progress = await (await ask('/api/progress')).json();
      assert.equal(progress.learner, 'local/tester');
      assert.deepEqual(
        Object.fromEntries(Object.entries(progress.labs['lab-7'].checkpoints).map(([id, r]) => [id, (r as { ok: boolean }).ok])),
        { passes: true, fails: false },
      );
      assert.equal((await ask('/api/progress/position', { path: '/lab-7-test', anchor: 'step-2-two', title: 'Step 2: Two' })).status, 200);
      assert.equal((await ask('/api/progress/position', { path: 'javascript:alert(1)' })).status, 400);
      assert.equal(new ProgressStore(join(dir, 'progress.json')).get('local/tester').position!.anchor, 'step-2-two', 'kept on disk');
      const reset = await (await ask('/api/progress/reset', {})).json();
      assert.deepEqual(reset.labs, {});
      assert.equal((await call('/api/progress')).status, 404, 'an API without a store says it keeps no progress');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('runs a snippet until it is stopped, one at a time, and streams it finishing', async () => {
    const response = await call('/api/labs/lab-7/run/worker', { body: {} });
    assert.equal(response.status, 200);
    const again = await call('/api/labs/lab-7/run/worker', { body: {} });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, 'AlreadyRunning');
    assert.deepEqual(await (await call('/api/labs/lab-7/running')).json(), { running: ['worker'] });
    const stopped = await call('/api/labs/lab-7/stop/worker', { body: {} });
    assert.equal(stopped.status, 202);
    const stream = await events(response);
    assert.deepEqual(
      stream.filter((e) => e.type === 'output').map((e) => e.line),
      ['working', 'finished the work in hand'],
    );
    assert.equal(stream.at(-1).ok, true);
    assert.deepEqual(await (await call('/api/labs/lab-7/running')).json(), { running: [] });
    assert.equal((await call('/api/labs/lab-7/stop/worker', { body: {} })).status, 404);
  });

  test("runs a lab's own tests, and says where to write them when there are none", async () => {
    const stream = await events(await call('/api/labs/lab-7/test', { body: {} }));
    assert.equal(stream.at(-1).ok, false);
    assert.equal(stream.at(-1).error.code, 'NoTests');
    assert.match(stream.at(-1).error.message, /labs\/lab-7-test\/tests\//);
  });

  test('refuses a metrics request it cannot answer, with the reason', async () => {
    const empty = await call('/api/labs/lab-7/metrics', { body: { series: [] } });
    assert.equal(empty.status, 400);
    assert.match((await empty.json()).error.message, /1 to 20 series/);
    const foreign = await call('/api/labs/lab-7/metrics', {
      body: { series: [{ namespace: 'AWS/EC2', metric: 'CPUUtilization', output: 'Instance' }] },
    });
    assert.equal(foreign.status, 400);
    const ok = await call('/api/labs/lab-7/metrics', {
      body: { series: [{ metric: 'ApproximateNumberOfMessagesVisible', output: 'QueueUrl' }] },
    });
    assert.equal(ok.status, 503, 'a good request reads the stack: the cloud is not running here');
  });

  test('answers only registered operations', async () => {
    const response = await call('/api/eval', { body: { code: '1+1' } });
    assert.equal(response.status, 404);
  });
});
