import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type ClassServer, createClassServer } from './server.ts';
import { ClassStore } from './store.ts';
import { eventReader, testCatalogue } from './testing.ts';
import type { ClassSnapshot, LearnerState } from './types.ts';

let store: ClassStore;
let server: ClassServer;
let clock: number;

beforeEach(() => {
  clock = 1_700_000_000_000;
  store = ClassStore.open(':memory:', { name: 'Test class', now: clock });
  server = createClassServer({ store, catalogue: testCatalogue(), now: () => clock, maxLearners: 5, maxBadCodesPerMinute: 3 });
});

afterEach(() => {
  server.close();
  store.close();
});

const call = (
  path: string,
  init: { method?: string; body?: unknown; raw?: string | ReadableStream; headers?: Record<string, string>; address?: string } = {},
) =>
  server.fetch(
    new Request(`http://class.test${path}`, {
      method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
      headers: { ...(init.body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      duplex: 'half',
    } as RequestInit),
    { remoteAddress: init.address ?? '10.0.0.1' },
  );

const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;
const instructor = () => ({ authorization: `Bearer ${store.info.instructorToken}` });

async function join(name: string): Promise<{ token: string; learner: { id: string; name: string }; headers: Record<string, string> }> {
  const response = await call('/class/join', { body: { code: store.info.code, name, prefix: 'ana', target: 'local' } });
  assert.equal(response.status, 201, JSON.stringify(await response.clone().json()));
  const body = (await response.json()) as { token: string; learner: { id: string; name: string } };
  return { ...body, headers: { 'x-class-code': store.info.code, authorization: `Bearer ${body.token}` } };
}

const verifyReport = (
  learner: string,
  checkpoints: { id: string; step: number; ok: unknown; durationMs: number }[] = [{ id: 'topic', step: 1, ok: true, durationMs: 12 }],
  extra: Record<string, unknown> = {},
) => ({
  id: randomUUID(),
  learner,
  kind: 'verify',
  at: clock,
  sentAt: clock,
  lab: 'lab-1',
  durationMs: 40,
  checkpoints,
  ...extra,
});

async function learnerState(id: string): Promise<LearnerState> {
  const snapshot = (await (await call('/class/state', { headers: instructor() })).json()) as ClassSnapshot;
  return snapshot.learners.find((l) => l.id === id)!;
}

describe('class server: joining', () => {
  test('a learner joins with the code (case and dashes do not matter) and gets a token', async () => {
    const response = await call('/class/join', { body: { code: store.info.code.toLowerCase().replace('-', ''), name: 'Ana Silva' } });
    assert.equal(response.status, 201);
    const body = await response.json();
    assert.equal(body.learner.name, 'Ana Silva');
    assert.equal(body.class.name, 'Test class');
    assert.match(body.token, /^[A-Za-z0-9_-]{32}$/);
  });

  test('refuses a wrong join code, then an address that keeps guessing', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await call('/class/join', { body: { code: 'AAAA-AAAA', name: `Guess ${i}` }, address: '10.9.9.9' });
      assert.equal(response.status, 403);
      assert.equal((await errorOf(response)).code, 'BadJoinCode');
    }
    const blocked = await call('/class/join', { body: { code: store.info.code, name: 'Guess right' }, address: '10.9.9.9' });
    assert.equal(blocked.status, 429);
    assert.equal((await errorOf(blocked)).code, 'TooManyAttempts');
    assert.equal(
      (await call('/class/join', { body: { code: store.info.code, name: 'Other address' }, address: '10.1.1.1' })).status,
      201,
      'another address is not blocked',
    );
    clock += 61_000;
    assert.equal(
      (await call('/class/join', { body: { code: store.info.code, name: 'Guess right' }, address: '10.9.9.9' })).status,
      201,
      'a minute later it may try again',
    );
  });

  test('names are unique in a class, whatever their case and spacing', async () => {
    await join('Ana Silva');
    const again = await call('/class/join', { body: { code: store.info.code, name: '  ana   SILVA ' } });
    assert.equal(again.status, 409);
    const error = await errorOf(again);
    assert.equal(error.code, 'NameTaken');
    assert.match(error.message, /already uses the name "ana SILVA"/);
  });

  test('names are sanitized: markup, control and bidi characters never reach the dashboard', async () => {
    const { learner } = await join('<img src=x onerror=alert(1)>Bob\u202Eevil\u0007');
    assert.equal(learner.name, 'img src x onerror alert 1 Bob evil');
    const empty = await call('/class/join', { body: { code: store.info.code, name: '<<>>\u200B' } });
    assert.equal(empty.status, 400);
    assert.equal((await errorOf(empty)).code, 'BadName');
    const long = await join('A'.repeat(150));
    assert.equal(long.learner.name.length, 40);
  });

  test('a full class refuses newcomers', async () => {
    for (let i = 0; i < 5; i++) await join(`Learner ${i}`);
    const response = await call('/class/join', { body: { code: store.info.code, name: 'One too many' } });
    assert.equal(response.status, 403);
    assert.equal((await errorOf(response)).code, 'ClassFull');
  });

  test('a learner who left can come back under the same name; their results stay', async () => {
    const ana = await join('Ana');
    assert.equal((await call('/class/reports', { body: verifyReport('Ana'), headers: ana.headers })).status, 200);
    assert.equal((await call('/class/leave', { body: {}, headers: ana.headers })).status, 200);
    const refused = await call('/class/reports', { body: verifyReport('Ana'), headers: ana.headers });
    assert.equal(refused.status, 403);
    assert.equal((await errorOf(refused)).code, 'LeftClass');
    const back = await join('Ana');
    assert.equal(back.learner.id, ana.learner.id);
    const state = await learnerState(back.learner.id);
    assert.equal(state.leftAt, null);
    assert.equal(state.results['lab-1'].topic.ok, true);
  });
});

describe('class server: reports', () => {
  test('a verify run updates the learner and reaches the dashboard stream', async () => {
    const ana = await join('Ana');
    const stream = eventReader(await call('/class/stream', { headers: instructor() }));
    await stream.next((e) => e.type === 'snapshot');
    const response = await call('/class/reports', {
      body: verifyReport('Ana', [
        { id: 'topic', step: 1, ok: true, durationMs: 12 },
        { id: 'publish', step: 2, ok: false, durationMs: 30 },
      ]),
      headers: ana.headers,
    });
    assert.equal(response.status, 200);
    assert.deepEqual((await response.json()).released, {});
    const event = await stream.next<Extract<import('./types.ts').ClassEvent, { type: 'results' }>>((e) => e.type === 'results');
    assert.equal(event.learnerId, ana.learner.id);
    assert.equal(event.results.topic.ok, true);
    assert.equal(event.results.publish.failingSince, clock);
    assert.equal(event.lastProgressAt, clock);
  });

  test('refuses reports without the join code, with a wrong one, or without a token', async () => {
    const ana = await join('Ana');
    const noCode = await call('/class/reports', { body: verifyReport('Ana'), headers: { authorization: ana.headers.authorization } });
    assert.equal(noCode.status, 401);
    assert.equal((await errorOf(noCode)).code, 'JoinCodeRequired');
    const wrongCode = await call('/class/reports', { body: verifyReport('Ana'), headers: { ...ana.headers, 'x-class-code': 'ZZZZ-ZZZZ' } });
    assert.equal(wrongCode.status, 403);
    assert.equal((await errorOf(wrongCode)).code, 'BadJoinCode');
    const noToken = await call('/class/reports', { body: verifyReport('Ana'), headers: { 'x-class-code': store.info.code } });
    assert.equal(noToken.status, 401);
    assert.equal((await errorOf(noToken)).code, 'LearnerTokenRequired');
    const forged = await call('/class/reports', {
      body: verifyReport('Ana'),
      headers: { 'x-class-code': store.info.code, authorization: 'Bearer not-a-token' },
    });
    assert.equal(forged.status, 403);
    assert.equal((await errorOf(forged)).code, 'UnknownLearner');
    assert.deepEqual((await learnerState(ana.learner.id)).results, {}, 'nothing was recorded');
  });

  test("a learner cannot write another learner's results", async () => {
    const ana = await join('Ana');
    const bob = await join('Bob');
    const response = await call('/class/reports', { body: verifyReport('Bob'), headers: ana.headers });
    assert.equal(response.status, 403);
    const error = await errorOf(response);
    assert.equal(error.code, 'NotYourResults');
    assert.match(error.message, /this token is Ana's/);
    assert.deepEqual((await learnerState(bob.learner.id)).results, {});
    assert.deepEqual((await learnerState(ana.learner.id)).results, {});
  });

  test('the instructor token is not a learner token, and a learner token opens nothing of the instructor', async () => {
    const ana = await join('Ana');
    for (const path of ['/class/state', '/class/stream', '/class/export?format=csv', '/class/labs/lab-1/notes']) {
      const none = await call(path);
      assert.equal(none.status, 401, path);
      assert.equal((await errorOf(none)).code, 'InstructorTokenRequired');
      const learner = await call(path, { headers: { authorization: ana.headers.authorization } });
      assert.equal(learner.status, 403, path);
      assert.equal((await errorOf(learner)).code, 'NotInstructor');
    }
    assert.equal(
      (await call('/class/labs/lab-1/release', { body: { released: true }, headers: { authorization: ana.headers.authorization } })).status,
      403,
    );
    assert.equal((await call('/class/learners/x/remove', { body: {}, headers: { authorization: ana.headers.authorization } })).status, 403);
    const asLearner = await call('/class/reports', {
      body: verifyReport('Ana'),
      headers: { 'x-class-code': store.info.code, authorization: `Bearer ${store.info.instructorToken}` },
    });
    assert.equal(asLearner.status, 403);
  });

  test('bodies are size-limited, whether the size is declared or not', async () => {
    const ana = await join('Ana');
    const big = JSON.stringify({ ...verifyReport('Ana'), padding: 'x'.repeat(40_000) });
    const declared = await call('/class/reports', { raw: big, headers: ana.headers });
    assert.equal(declared.status, 413);
    assert.equal((await errorOf(declared)).code, 'BodyTooLarge');
    const chunks = [big.slice(0, 20_000), big.slice(20_000)];
    const streamed = await call('/class/reports', {
      raw: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      }),
      headers: ana.headers,
    });
    assert.equal(streamed.status, 413);
  });

  test('malformed bodies get a 400 that says what is wrong', async () => {
    const ana = await join('Ana');
    const cases: [unknown, string, RegExp][] = [
      ['not json', 'BadJson', /not valid JSON/],
      [[1, 2], 'BadJson', /JSON object/],
      [{ ...verifyReport('Ana'), kind: 'gossip' }, 'BadField', /"kind" must be/],
      [verifyReport('Ana', [], { lab: 'lab-9' }), 'UnknownLab', /no lab "lab-9".*lab-1, lab-2/],
      [verifyReport('Ana', [{ id: 'nope', step: 1, ok: true, durationMs: 1 }]), 'UnknownCheckpoint', /lab-1 has no checkpoint "nope"/],
      [verifyReport('Ana', [{ id: 'topic', step: 2, ok: true, durationMs: 1 }]), 'BadField', /belongs to step 1/],
      [verifyReport('Ana', [{ id: 'topic', step: 1, ok: 'yes', durationMs: 1 }]), 'BadField', /"ok" must be true or false/],
      [verifyReport('Ana', [{ id: 'topic', step: 1, ok: true, durationMs: -5 }]), 'BadField', /"durationMs" must be a number/],
      [
        verifyReport('Ana', [
          { id: 'topic', step: 1, ok: true, durationMs: 1 },
          { id: 'topic', step: 1, ok: false, durationMs: 1 },
        ]),
        'BadField',
        /reported twice/,
      ],
      [{ ...verifyReport('Ana'), id: '../../etc' }, 'BadField', /"id" has characters/],
      [{ ...verifyReport('Ana'), at: 'yesterday' }, 'BadField', /"at" must be a number/],
      [
        {
          id: randomUUID(),
          learner: 'Ana',
          kind: 'preflight',
          at: clock,
          sentAt: clock,
          preflight: { ok: true, node: '24.1.0', target: { kind: 'mainframe', region: 'x', prefix: 'a' }, checks: [] },
        },
        'BadField',
        /target.kind/,
      ],
    ];
    for (const [body, code, message] of cases) {
      const response = await call('/class/reports', { raw: typeof body === 'string' ? body : JSON.stringify(body), headers: ana.headers });
      const error = await errorOf(response);
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${error.message}`);
      assert.equal(error.code, code);
      assert.match(error.message, message);
    }
    const form = await call('/class/reports', {
      raw: 'a=b',
      headers: { ...ana.headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
  });

  test('no input makes it answer 500 or fall over', async () => {
    const ana = await join('Ana');
    const values: unknown[] = [null, true, 0, '', [], {}, { kind: 'verify' }, { checkpoints: null }, { preflight: [] }, 'x'.repeat(100)];
    const shapes = [
      (v: unknown) => v,
      (v: unknown) => ({ ...verifyReport('Ana'), lab: v }),
      (v: unknown) => ({ ...verifyReport('Ana'), checkpoints: v }),
      (v: unknown) => ({ ...verifyReport('Ana'), checkpoints: [v] }),
      (v: unknown) => ({ ...verifyReport('Ana'), learner: v }),
      (v: unknown) => ({ id: randomUUID(), learner: 'Ana', kind: 'preflight', at: clock, sentAt: clock, preflight: v }),
    ];
    for (const shape of shapes) {
      for (const value of values) {
        const response = await call('/class/reports', { raw: JSON.stringify(shape(value)), headers: ana.headers });
        assert.ok(
          response.status >= 400 && response.status < 500,
          `${JSON.stringify(shape(value)).slice(0, 100)} answered ${response.status}`,
        );
      }
    }
    assert.equal((await call('/class/reports', { body: verifyReport('Ana'), headers: ana.headers })).status, 200, 'still serving');
  });

  test('a report sent twice (a queued one, retried) is applied once', async () => {
    const ana = await join('Ana');
    const report = verifyReport('Ana');
    const first = await (await call('/class/reports', { body: report, headers: ana.headers })).json();
    const second = await (await call('/class/reports', { body: report, headers: ana.headers })).json();
    assert.deepEqual([first.duplicate, second.duplicate], [false, true]);
    assert.equal((await learnerState(ana.learner.id)).results['lab-1'].topic.attempts, 1);
  });

  test("a learner's clock does not matter: a run is placed in server time", async () => {
    const ana = await join('Ana');
    // The learner's clock is an hour behind; the run happened 5 minutes before it was sent.
    const learnerNow = clock - 3_600_000;
    await call('/class/reports', {
      body: verifyReport('Ana', undefined, { at: learnerNow - 300_000, sentAt: learnerNow }),
      headers: ana.headers,
    });
    assert.equal((await learnerState(ana.learner.id)).results['lab-1'].topic.at, clock - 300_000);
  });

  test('a preflight is kept, with printable text only', async () => {
    const ana = await join('Ana');
    const preflight = {
      ok: false,
      node: '24.21.0',
      target: { kind: 'aws', region: 'eu-west-1', prefix: 'ana' },
      checks: [
        {
          id: 'bootstrap',
          title: 'CDK\u0000 bootstrap',
          ok: false,
          detail: 'no CDKToolkit stack',
          fix: 'npx workshop bootstrap --target aws',
        },
      ],
    };
    const response = await call('/class/reports', {
      body: { id: randomUUID(), learner: 'Ana', kind: 'preflight', at: clock, sentAt: clock, preflight },
      headers: ana.headers,
    });
    assert.equal(response.status, 200);
    const state = await learnerState(ana.learner.id);
    assert.equal(state.preflight?.checks[0].title, 'CDK  bootstrap');
    assert.equal(state.preflight?.target.region, 'eu-west-1');
  });
});

describe('class server: the instructor', () => {
  test('releases a solution; learners hear it with /class/me and in every report answer', async () => {
    const ana = await join('Ana');
    assert.deepEqual((await (await call('/class/me', { headers: ana.headers })).json()).released, {});
    const stream = eventReader(await call('/class/stream', { headers: instructor() }));
    const released = await call('/class/labs/lab-1/release', { body: { released: true }, headers: instructor() });
    assert.equal(released.status, 200);
    await stream.next((e) => e.type === 'release' && e.lab === 'lab-1' && e.releasedAt === clock);
    assert.deepEqual((await (await call('/class/me', { headers: ana.headers })).json()).released, { 'lab-1': clock });
    await call('/class/labs/lab-1/release', { body: { released: false }, headers: instructor() });
    assert.deepEqual((await (await call('/class/reports', { body: verifyReport('Ana'), headers: ana.headers })).json()).released, {});
    assert.equal((await call('/class/labs/lab-7/release', { body: { released: true }, headers: instructor() })).status, 404);
  });

  test('reads facilitator notes, and says when a lab has none yet', async () => {
    const notes = await (await call('/class/labs/lab-1/notes', { headers: instructor() })).json();
    assert.match(notes.markdown, /## Timing/);
    assert.equal(notes.file, 'labs/lab-1-test/instructor.md');
    const none = await (await call('/class/labs/lab-2/notes', { headers: instructor() })).json();
    assert.equal(none.markdown, null);
    const snapshot = (await (await call('/class/state', { headers: instructor() })).json()) as ClassSnapshot;
    assert.deepEqual(
      snapshot.labs.map((l) => [l.id, l.hasNotes]),
      [
        ['lab-1', true],
        ['lab-2', false],
      ],
    );
  });

  test('removes a learner, which frees their name', async () => {
    const ana = await join('Ana');
    const removed = await call(`/class/learners/${ana.learner.id}/remove`, { body: {}, headers: instructor() });
    assert.equal(removed.status, 200);
    assert.equal((await call('/class/reports', { body: verifyReport('Ana'), headers: ana.headers })).status, 403);
    await join('Ana');
  });

  test('exports CSV (safe to open in a spreadsheet) and JSON with the history', async () => {
    const ana = await join('-Ana');
    await call('/class/reports', { body: verifyReport('-Ana'), headers: ana.headers });
    const csv = await call('/class/export?format=csv', { headers: instructor() });
    assert.match(csv.headers.get('content-disposition')!, /attachment; filename="class-\d{4}-\d\d-\d\d\.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines[0], 'learner,prefix,lab,step,checkpoint,status,attempts,first_passed_at,last_run_at,failing_since,duration_ms');
    assert.equal(lines.length, 1 + 4, 'a row per checkpoint of every lab');
    assert.match(lines[1], /^'-Ana,ana,lab-1,1,topic,pass,1,2023-/);
    assert.match(lines[2], /^'-Ana,ana,lab-1,2,publish,not run,0,/);
    const json = await (await call('/class/export?format=json', { headers: instructor() })).json();
    assert.equal(json.runs.length, 1);
    assert.equal(json.runs[0].learner, '-Ana');
    assert.equal((await call('/class/export?format=xml', { headers: instructor() })).status, 400);
  });

  test('answers the dashboard across origins (CORS), for instructor routes only', async () => {
    const preflight = await call('/class/stream', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers')!, /authorization/);
    assert.equal((await call('/class/state', { headers: instructor() })).headers.get('access-control-allow-origin'), '*');
    const learnerRoute = await call('/class/reports', { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    assert.equal(learnerRoute.status, 405, 'no CORS preflight for learner routes: a web page cannot report');
    assert.equal(learnerRoute.headers.get('access-control-allow-origin'), null);
  });
});

test('the class survives a restart of the server: code, token, learners and results', async (t) => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join: joinPath } = await import('node:path');
  const file = joinPath(mkdtempSync(joinPath(tmpdir(), 'class-db-')), 'class.db');
  const first = ClassStore.open(file, { name: 'Durable' });
  const { learner, token } = first.join({ name: 'Ana', prefix: 'ana' });
  first.recordVerify(learner.id, {
    id: 'r1',
    lab: 'lab-1',
    at: 5,
    durationMs: 1,
    checkpoints: [{ id: 'topic', step: 1, ok: true, durationMs: 1 }],
  });
  first.release('lab-1', 9);
  const info = first.info;
  first.close();
  const second = ClassStore.open(file, { name: 'Ignored' });
  t.after(() => second.close());
  assert.deepEqual(second.info, info);
  assert.equal(second.learnerByToken(token)?.id, learner.id);
  assert.equal(second.learners()[0].results['lab-1'].topic.firstPassedAt, 5);
  assert.deepEqual(second.releases(), { 'lab-1': 9 });
});
