// The README's commands for a session, run as the instructor and a learner would type them.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../engine/paths.ts';

const exec = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'workshop.mjs');
const instructorState = mkdtempSync(join(tmpdir(), 'cli-instructor-'));
const learnerState = mkdtempSync(join(tmpdir(), 'cli-learner-'));

async function workshop(state: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1', WORKSHOP_STATE_DIR: state, WORKSHOP_PREFIX: 'ana' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `workshop class start`, until it has printed its join command. */
async function startClass(port = '0'): Promise<{ child: ChildProcess; output: () => string; url: string; code: string; token: string }> {
  const child = spawn(process.execPath, [BIN, 'class', 'start', '--port', port, '--name', 'CLI class'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: '1', WORKSHOP_STATE_DIR: instructorState },
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const deadline = Date.now() + 60_000;
  while (!/Dashboard:/.test(text)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`class start did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const join = /npx workshop join (\S+) --code (\S+)/.exec(text)!;
  return { child, output: () => text, url: join[1], code: join[2], token: /token=([\w-]+)/.exec(text)![1] };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

const running: ChildProcess[] = [];
after(async () => {
  for (const child of running) await stop(child);
});

describe('a session from the command line', { timeout: 180_000 }, () => {
  test('class start prints the join command and the dashboard; join, verify, export, leave; a restart resumes the class', async () => {
    const first = await startClass();
    running.push(first.child);
    assert.match(first.output(), /Class "CLI class" created, listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(first.output(), /Only this computer can join: for a room, start with --host 0\.0\.0\.0/);
    assert.match(first.output(), /Dashboard: +http:\/\/localhost:3000\/class#server=http%3A%2F%2F127\.0\.0\.1%3A\d+&token=/);

    const joined = await workshop(learnerState, 'join', first.url, '--code', first.code, '--name', 'Ana Silva', '--port', '9');
    assert.equal(joined.code, 0, joined.stderr);
    assert.match(joined.stdout, /You joined "CLI class" as Ana Silva/);
    assert.match(joined.stdout, /✗ The local cloud answers\n +fix: Start the local cloud/, 'the preflight shows what is missing');
    const again = await workshop(learnerState, 'join', first.url, '--code', first.code, '--name', 'Ana Silva');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already in the class "CLI class" as Ana Silva.*npx workshop leave/);

    // No cloud runs on port 9: Lab 0's first checks still run, fail, and reach the class.
    const verified = await workshop(learnerState, 'verify', 'lab-0', '--step', '1', '--json', '--port', '9');
    assert.equal(verified.code, 1);
    assert.equal(JSON.parse(verified.stdout).lab, 'lab-0', 'the JSON output stays clean');
    assert.match(verified.stderr, /Class: reported to your instructor/);
    const refused = await workshop(learnerState, 'deploy', 'lab-1', '--solution', '--port', '9');
    assert.equal(refused.code, 1);
    assert.match(refused.stdout + refused.stderr, /has not released the solution of lab-1 yet \(class "CLI class"\)/);

    const csv = await workshop(instructorState, 'class', 'export', '--format', 'csv');
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /^Ana Silva,ana,lab-0,1,node-version,pass,1,/m);
    assert.match(csv.stdout, /^Ana Silva,ana,lab-0,1,target-answers,fail,1,/m);
    assert.match(csv.stdout, /^Ana Silva,ana,lab-0,2,hello-round-trip,not run,0,/m);

    await stop(first.child);
    const offline = await workshop(learnerState, 'verify', 'lab-0', '--step', '1', '--port', '9');
    assert.match(
      offline.stderr,
      /Class: The class server at http:\/\/127\.0\.0\.1:\d+ does not answer \(ECONNREFUSED\)\. 1 result will be sent when it is back/,
    );

    const second = await startClass(new URL(first.url).port);
    running.push(second.child);
    assert.match(second.output(), /Class "CLI class" resumed \(1 learner; --new starts another\)/);
    assert.equal(second.code, first.code, 'the same join code');
    assert.equal(second.token, first.token, 'the same instructor token');

    // Leaving sends what waits first, then stops reporting.
    const left = await workshop(learnerState, 'leave');
    assert.equal(left.code, 0, left.stderr);
    assert.match(left.stdout, /You left "CLI class": nothing is reported any more\.\n/);
    assert.doesNotMatch(left.stdout, /discarded/);
    const after = await workshop(instructorState, 'class', 'export', '--format', 'csv');
    assert.match(after.stdout, /^Ana Silva,ana,lab-0,1,node-version,pass,2,/m, 'the run queued offline arrived');
    const notInClass = await workshop(learnerState, 'leave');
    assert.match(notInClass.stdout, /You are not in a class/);
  });

  test('class help lists the instructor commands', async () => {
    const { code, stdout } = await workshop(instructorState, 'class', 'help');
    assert.equal(code, 0);
    for (const command of ['start', 'info', 'export', 'resources', 'verify', 'cleanup'])
      assert.match(stdout, new RegExp(`^  class ${command}\\b`, 'm'));
    const unknown = await workshop(instructorState, 'class', 'frobnicate');
    assert.equal(unknown.code, 1);
  });

  test('class cleanup refuses the local target: a shared account is on AWS or an endpoint', async () => {
    const { code, stderr } = await workshop(instructorState, 'class', 'cleanup');
    assert.equal(code, 1);
    assert.match(stderr, /use --target aws \(or --endpoint\)\. On this machine, npx workshop reset empties the local cloud/);
  });
});
