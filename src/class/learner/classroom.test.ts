import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { check, defineLab } from '../../../labs/kit/index.ts';
import { LabEngine } from '../../engine/engine.ts';
import type { EngineEvent } from '../../engine/events.ts';
import { LearnerClassroom, normalizeUrl } from './classroom.ts';

const lab = defineLab({
  id: 'lab-7',
  slug: 'lab-7-test',
  title: 'A lab for the classroom tests',
  steps: [
    { n: 1, title: 'One' },
    { n: 2, title: 'Two' },
  ],
  snippets: [],
  checkpoints: [
    {
      id: 'passes',
      step: 1,
      title: 'passes',
      hint: 'nothing to do',
      run: async () => 'found arn:aws:sns:eu-west-1:123456789012:ana-SecretTopic',
    },
    {
      id: 'fails',
      step: 2,
      title: 'fails',
      hint: 'add the thing',
      run: async () => check(false, 'AKIAIOSFODNN7EXAMPLE cannot read ana-Rides'),
    },
  ],
});
const source = { load: async () => lab, all: async () => [lab] };
const target = { kind: 'local' as const, endpoint: 'http://localhost:1', region: 'us-east-1', prefix: 'ana' };

/** A class server stand-in: records what arrives and answers as told. */
function fakeClassServer() {
  const received: { path: string; headers: Record<string, string>; body: Record<string, unknown> | undefined }[] = [];
  let answer: 'ok' | 'down' | 'refuse' | 'error' = 'ok';
  let released: Record<string, number> = {};
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    if (answer === 'down') throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    received.push({ path: url.pathname, headers: Object.fromEntries(new Headers(init?.headers)), body });
    const json = (status: number, value: unknown) =>
      new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
    if (answer === 'error') return json(503, { error: { code: 'Busy', message: 'busy' } });
    if (answer === 'refuse') return json(400, { error: { code: 'UnknownCheckpoint', message: 'lab-7 has no checkpoint "fails".' } });
    // The server at host "other" runs another class.
    const membership = {
      class: url.hostname === 'other' ? { id: 'c2', name: 'Other class' } : { id: 'c1', name: 'Fake class' },
      learner: { id: 'l1', name: 'Ana' },
      released,
    };
    if (url.pathname === '/class/join') return json(201, { ...membership, token: 'secret-token' });
    return json(200, { ...membership, accepted: true, duplicate: false });
  }) as typeof fetch;
  return {
    fetchImpl,
    received,
    set: (value: typeof answer) => (answer = value),
    release: (value: Record<string, number>) => (released = value),
  };
}

async function joined() {
  const server = fakeClassServer();
  const classroom = new LearnerClassroom(mkdtempSync(join(tmpdir(), 'classroom-')), { fetch: server.fetchImpl });
  await classroom.join('class.example:3030/', 'K7PQ-2MXA', 'Ana', target);
  const engine = new LabEngine(target, source, { classroom });
  return { server, classroom, engine };
}

const quiet = (_: EngineEvent) => undefined;

describe("the learner's classroom", () => {
  test('outside a class nothing is sent and nothing is held back', async () => {
    const server = fakeClassServer();
    const classroom = new LearnerClassroom(mkdtempSync(join(tmpdir(), 'classroom-')), { fetch: server.fetchImpl });
    const engine = new LabEngine(target, source, { classroom });
    await engine.verify('lab-7', quiet);
    await classroom.checkSolution('lab-7');
    assert.deepEqual(server.received, []);
    assert.deepEqual(classroom.status(), { joined: false, pending: 0 });
  });

  test('a verify run sends ids, pass or fail and timings, never what a checkpoint found', async () => {
    const { server, engine } = await joined();
    assert.equal(await engine.verify('lab-7', quiet), false);
    const report = server.received.find((r) => r.path === '/class/reports')!;
    assert.equal(report.headers['x-class-code'], 'K7PQ-2MXA');
    assert.equal(report.headers.authorization, 'Bearer secret-token');
    assert.deepEqual(Object.keys(report.body!).sort(), ['at', 'checkpoints', 'durationMs', 'id', 'kind', 'lab', 'learner', 'sentAt']);
    assert.deepEqual(
      (report.body!.checkpoints as { id: string; ok: boolean }[]).map(({ id, ok }) => [id, ok]),
      [
        ['passes', true],
        ['fails', false],
      ],
    );
    assert.doesNotMatch(JSON.stringify(report.body), /arn:|AKIA|Rides|SecretTopic|secret-token/);
  });

  test('offline, reports wait on disk in order; a refused one is set aside, not retried forever', async () => {
    const { server, classroom, engine } = await joined();
    server.set('down');
    await engine.verify('lab-7', quiet, { step: 1 });
    server.set('error');
    await engine.verify('lab-7', quiet, { step: 2 });
    assert.equal(classroom.status().pending, 2);
    assert.match(classroom.lastDelivery!.unreachable!, /busy/);
    server.set('ok');
    const delivery = await classroom.flush();
    assert.deepEqual(delivery, { sent: 2, pending: 0, rejected: [] });
    const sent = server.received.filter((r) => r.path === '/class/reports' && r.body).slice(-2);
    assert.deepEqual(
      sent.map((r) => r.body!.step),
      [1, 2],
      'sent in the order they happened',
    );
    server.set('refuse');
    await engine.verify('lab-7', quiet);
    assert.deepEqual(classroom.lastDelivery!.rejected, ['lab-7 has no checkpoint "fails".']);
    assert.equal(classroom.status().pending, 0);
    assert.equal(readdirSync(join(classroom.dir, 'rejected')).length, 1, 'kept for a look, not lost');
  });

  test('reports made in the same millisecond are sent in the order they were made', async () => {
    const { server, classroom } = await joined();
    server.set('down');
    const at = Date.now();
    for (const step of [1, 2, 3, 4, 5, 6]) await classroom.verified({ lab: 'lab-7', step, at, durationMs: 1, checkpoints: [] });
    server.set('ok');
    await classroom.flush();
    const sent = server.received.filter((r) => r.path === '/class/reports' && r.body).map((r) => r.body!.step);
    assert.deepEqual(sent, [1, 2, 3, 4, 5, 6]);
  });

  test('a solution waits for its release; offline, the last release heard decides', async () => {
    const { server, classroom, engine } = await joined();
    const events: EngineEvent[] = [];
    assert.equal(await engine.deploy('lab-7', { solution: true, step: 1 }, (e) => events.push(e)), false);
    const done = events.at(-1) as Extract<EngineEvent, { type: 'done' }>;
    assert.equal(done.error?.code, 'SolutionNotReleased');
    assert.match(done.error!.message, /has not released the solution of lab-7 yet \(class "Fake class"\)/);
    server.release({ 'lab-7': 1 });
    await classroom.checkSolution('lab-7');
    server.set('down');
    await classroom.checkSolution('lab-7');
    server.release({});
    await assert.rejects(classroom.checkSolution('lab-8'), /lab-8/);
  });

  test('joining the same class at a new address moves there (the instructor changed network)', async () => {
    const { server, classroom } = await joined();
    server.set('down');
    await classroom.preflight({ ok: true, node: '24.0.0', target: { kind: 'local', region: 'us-east-1', prefix: 'ana' }, checks: [] });
    assert.equal(classroom.status().pending, 1);
    server.set('ok');
    const moved = await classroom.join('10.0.0.7:3030', 'K7PQ-2MXA', 'Ana');
    assert.equal(moved.url, 'http://10.0.0.7:3030');
    assert.equal(classroom.membership()!.token, 'secret-token', 'still the same learner');
    assert.equal(classroom.status().pending, 0, 'what waited was sent to the new address');
  });

  test('joining twice is refused until the learner leaves', async () => {
    const { classroom } = await joined();
    await assert.rejects(classroom.join('http://other:3030', 'X', 'Ana'), /already in the class "Fake class" as Ana/);
    const { left } = await classroom.leave();
    assert.equal(left?.className, 'Fake class');
    assert.deepEqual(classroom.status(), { joined: false, pending: 0 });
  });

  test('the address can be typed loosely', () => {
    assert.equal(normalizeUrl('192.168.1.20:3030'), 'http://192.168.1.20:3030');
    assert.equal(normalizeUrl(' http://room.local:3030/class/ '), 'http://room.local:3030');
    assert.throws(() => normalizeUrl('http://'), /not an address/);
  });
});
