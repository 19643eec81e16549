// A class end to end: a real class server on a socket, three learners each with their own lab
// API (and their own .workshop/class folder), a real local cloud, and the instructor's stream.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLabApi } from '../api/app.ts';
import { accessPolicy } from '../api/security.ts';
import { startTestCloud, type TestCloud } from '../cloud/testing/test-cloud.ts';
import { LabEngine } from '../engine/engine.ts';
import type { EngineEvent } from '../engine/events.ts';
import { LearnerClassroom } from './learner/classroom.ts';
import { type RunningClass, startClassServer } from './run.ts';
import { eventReader } from './testing.ts';
import type { ClassEvent, ClassSnapshot } from './types.ts';

type Results = Extract<ClassEvent, { type: 'results' }>;

let cloud: TestCloud;
let classDir: string;
let running: RunningClass;
const site = { host: 'localhost:3000', origin: 'http://localhost:3000' };

/** A learner's machine: their lab API (in-process) on the shared local cloud, with their own prefix. */
function learnerMachine(prefix: string) {
  const classroom = new LearnerClassroom(mkdtempSync(join(tmpdir(), `learner-${prefix}-`)), { timeoutMs: 2_000 });
  const engine = new LabEngine({ ...cloud.target, prefix }, undefined, { classroom });
  const api = createLabApi({ engine, access: accessPolicy(3000, 3001), classroom });
  const call = async (path: string, body?: unknown) => {
    const headers: Record<string, string> = {
      host: site.host,
      ...(body !== undefined ? { 'content-type': 'application/json', origin: site.origin } : {}),
    };
    return api.fetch(
      new Request(`http://${site.host}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  };
  /** Runs an operation that streams engine events and returns them. */
  const stream = async (path: string, body: unknown = {}) => {
    const response = await call(path, body);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as EngineEvent);
  };
  return { prefix, classroom, engine, call, stream };
}

const instructor = () => ({ authorization: `Bearer ${running.store.info.instructorToken}` });
const follow = async () => eventReader(await fetch(`${running.localUrl}/class/stream`, { headers: instructor() }));
const snapshot = async () => (await (await fetch(`${running.localUrl}/class/state`, { headers: instructor() })).json()) as ClassSnapshot;

before(async () => {
  cloud = await startTestCloud();
  classDir = mkdtempSync(join(tmpdir(), 'class-server-'));
  running = await startClassServer({ dir: classDir, port: 0, name: 'Integration class' });
});

after(async () => {
  await running?.close();
  await cloud?.stop();
});

describe('a class with three learners', { timeout: 240_000 }, () => {
  const ana = () => learners[0];
  const learners: ReturnType<typeof learnerMachine>[] = [];

  test('learners join from the Join box; each preflight reaches the dashboard', async () => {
    const dashboard = await follow();
    learners.push(learnerMachine('ana'), learnerMachine('bob'), learnerMachine('chen'));
    for (const [learner, name] of learners.map((l, i) => [l, ['Ana', 'Bob', 'Chen'][i]] as const)) {
      const response = await learner.call('/api/class/join', { url: running.localUrl, code: running.store.info.code, name });
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.equal(body.joined, true);
      assert.equal(body.name, name);
      assert.equal(body.preflight.ok, true, JSON.stringify(body.preflight.checks));
    }
    for (const name of ['Ana', 'Bob', 'Chen']) {
      const joined = await dashboard.next((e) => e.type === 'learner' && e.learner.name === name);
      const preflight = await dashboard.next(
        (e) => e.type === 'preflight' && joined.type === 'learner' && e.learnerId === joined.learner.id,
      );
      assert.ok(
        preflight.type === 'preflight' &&
          preflight.preflight.checks.some((c) => c.id === 'target' && c.ok && /account/.test(c.detail ?? '')),
      );
    }
    const state = await snapshot();
    assert.deepEqual(
      state.learners.map((l) => [l.name, l.prefix, l.target]),
      [
        ['Ana', 'ana', 'local'],
        ['Bob', 'bob', 'local'],
        ['Chen', 'chen', 'local'],
      ],
    );
  });

  test('a name already in the class is refused with a clear message', async () => {
    const late = learnerMachine('ana2');
    const response = await late.call('/api/class/join', { url: running.localUrl, code: running.store.info.code, name: 'ANA' });
    assert.equal(response.status, 409);
    assert.match((await response.json()).error.message, /already uses the name "ANA"/);
    assert.equal(late.classroom.membership(), undefined, 'nothing is remembered of a refused join');
    const wrongCode = await late.call('/api/class/join', { url: running.localUrl, code: 'WRONG-CODE', name: 'Dana' });
    assert.equal(wrongCode.status, 403);
    const nowhere = await late.call('/api/class/join', { url: 'http://127.0.0.1:9', code: running.store.info.code, name: 'Dana' });
    assert.equal(nowhere.status, 502);
    assert.match((await nowhere.json()).error.message, /does not answer/);
  });

  test('each verify reaches the dashboard live: ids, pass or fail and timings, nothing else', async () => {
    const dashboard = await follow();
    await Promise.all(learners.map((learner) => learner.stream('/api/labs/lab-0/verify')));
    for (const learner of learners) {
      const id = (await snapshot()).learners.find((l) => l.prefix === learner.prefix)!.id;
      const event = await dashboard.next<Results>((e) => e.type === 'results' && e.learnerId === id && e.lab === 'lab-0');
      assert.deepEqual(Object.keys(event.results).sort(), ['cdk-bootstrapped', 'hello-round-trip', 'node-version', 'target-answers']);
      assert.ok(Object.values(event.results).every((r) => r.ok && r.attempts === 1 && r.durationMs >= 0));
    }
    // Bob checks Lab 1 before deploying anything: every checkpoint fails, and the dashboard knows since when.
    const events = await learners[1].stream('/api/labs/lab-1/verify');
    assert.equal((events.at(-1) as { passed?: number }).passed, 0);
    const bob = await dashboard.next<Results>((e) => e.type === 'results' && e.lab === 'lab-1');
    assert.ok(Object.values(bob.results).every((r) => !r.ok && r.failingSince !== null));
    // What a learner's run tells the class: per checkpoint, pass or fail and timings; no detail,
    // which could quote their resources.
    for (const event of dashboard.events.filter((e): e is Results => e.type === 'results')) {
      for (const result of Object.values(event.results))
        assert.deepEqual(Object.keys(result).sort(), ['at', 'attempts', 'durationMs', 'failingSince', 'firstPassedAt', 'ok']);
    }
    const stored = running.store.runs().map((run) => Object.keys(run).sort().join());
    assert.ok(
      stored.every((keys) => keys === 'at,durationMs,id,kind,lab,learnerId,passed,receivedAt,total'),
      stored.join(' | '),
    );
  });

  test("solutions wait for the instructor's release; the refusal says why", async () => {
    const refused = await ana().stream('/api/labs/lab-1/deploy', { solution: true, step: 1 });
    const done = refused.at(-1) as Extract<EngineEvent, { type: 'done' }>;
    assert.equal(done.ok, false);
    assert.equal(done.error?.code, 'SolutionNotReleased');
    assert.match(done.error!.message, /Your instructor has not released the solution of lab-1 yet \(class "Integration class"\)/);
    assert.ok(!refused.some((e) => e.type === 'resource'), 'nothing was deployed');

    const release = await fetch(`${running.localUrl}/class/labs/lab-1/release`, {
      method: 'POST',
      headers: { ...instructor(), 'content-type': 'application/json' },
      body: JSON.stringify({ released: true }),
    });
    assert.equal(release.status, 200);
    const deployed = await ana().stream('/api/labs/lab-1/deploy', { solution: true, step: 1 });
    assert.equal((deployed.at(-1) as { ok: boolean }).ok, true, JSON.stringify(deployed.at(-1)));
    assert.ok(ana().classroom.membership()!.released['lab-1'], 'the release is remembered for when the class server is away');
    // Their own stack.ts is never held back.
    const destroyed = await ana().stream('/api/labs/lab-1/destroy');
    assert.equal((destroyed.at(-1) as { ok: boolean }).ok, true);
  });

  test('offline, results wait in order on disk and reach the dashboard when the server is back', async () => {
    const port = running.port;
    await running.close();
    const chen = learners[2];
    const before = Date.now();
    await chen.stream('/api/labs/lab-0/verify', { step: 1 });
    await chen.stream('/api/labs/lab-0/verify', { step: 2 });
    const status = await (await chen.call('/api/class')).json();
    assert.equal(status.pending, 2);
    assert.match(status.lastDelivery.unreachable, /does not answer/);
    assert.equal(readdirSync(join(chen.classroom.dir, 'outbox')).length, 2);

    running = await startClassServer({ dir: classDir, port, name: 'ignored on a restart' });
    assert.equal(running.resumed, true);
    assert.equal(running.store.info.name, 'Integration class');
    const dashboard = await follow();
    const delivery = await chen.classroom.flush();
    assert.deepEqual(delivery, { sent: 2, pending: 0, rejected: [] });
    const event = await dashboard.next<Results>((e) => e.type === 'results' && Boolean(e.results['hello-round-trip']?.attempts === 2));
    assert.equal(event.results['node-version'].attempts, 2);
    assert.ok(
      event.results['hello-round-trip'].at >= before && event.results['hello-round-trip'].at < Date.now(),
      'the run keeps the time it happened',
    );
  });

  test('leaving stops reporting at once; the dashboard shows who left', async () => {
    const dashboard = await follow();
    const bob = learners[1];
    const status = await (await bob.call('/api/class/leave', {})).json();
    assert.equal(status.joined, false);
    const left = await dashboard.next((e) => e.type === 'learner' && e.learner.name === 'Bob' && e.learner.leftAt !== null);
    assert.ok(left);
    const runsBefore = running.store.runs().length;
    await bob.stream('/api/labs/lab-0/verify', { step: 1 });
    assert.equal(running.store.runs().length, runsBefore, 'nothing reached the class');
    assert.equal(bob.classroom.status().pending, 0, 'and nothing waits to be sent');
    // Out of the class, the solution is the learner's to deploy, as before.
    await bob.classroom.checkSolution('lab-1');
  });
});
