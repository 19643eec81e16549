import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ProgressStore } from '../api/progress-store.ts';
import { startTestCloud, type TestCloud } from '../cloud/testing/test-cloud.ts';
import { PROJECT_ROOT } from '../engine/paths.ts';

const exec = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'workshop.mjs');
// The CLI keeps the learner's progress in its state folder: the tests' own, not the project's.
const STATE = mkdtempSync(join(tmpdir(), 'cli-state-'));
after(() => rmSync(STATE, { recursive: true, force: true }));

/** Runs the CLI as a user would, returning its exit status and output. */
async function workshop(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1', WORKSHOP_STATE_DIR: STATE },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('workshop CLI', () => {
  test('--help lists the commands', async () => {
    const { code, stdout } = await workshop('--help');
    assert.equal(code, 0);
    for (const command of ['start', 'up', 'deploy', 'run', 'verify', 'destroy', 'doctor'])
      assert.match(stdout, new RegExp(`^  ${command}\\b`, 'm'));
  });

  test('an unknown command exits 2 with the usage', async () => {
    const { code, stderr } = await workshop('frobnicate');
    assert.equal(code, 2);
    assert.match(stderr, /Unknown command "frobnicate"/);
  });

  test('without a running cloud, a command says how to start one', async () => {
    const { code, stdout, stderr } = await workshop('verify', 'lab-1', '--port', '9');
    assert.equal(code, 1);
    assert.match(stdout + stderr, /npm start|npx workshop up/);
  });

  test('an unknown lab names the labs that exist', async () => {
    const { code, stderr } = await workshop('status', 'lab-42', '--port', '9');
    assert.equal(code, 1);
    assert.match(stderr, /There is no lab "lab-42"\. The labs are: lab-0, lab-1/);
  });
});

describe('workshop CLI with --endpoint (any AWS-compatible endpoint)', () => {
  let cloud: TestCloud;
  before(async () => {
    cloud = await startTestCloud();
  });
  after(() => cloud.stop());

  test('deploys, verifies and destroys a lab against the endpoint it is given', async () => {
    const target = ['--endpoint', cloud.endpoint, '--prefix', 'ep'];
    const deployed = await workshop('deploy', 'lab-1', '--solution', ...target);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.ok(
      [...cloud.services.lambda.functions.keys()].some((name) => name.startsWith('ep-')),
      'the functions carry the prefix',
    );
    const verified = await workshop('verify', 'lab-1', '--json', ...target);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    // What the terminal did is the learner's progress on the site too (the lab API reads this file).
    const progress = new ProgressStore(join(STATE, 'progress.json')).get('endpoint/ep').labs['lab-1'];
    const results = Object.values(progress.checkpoints);
    assert.equal(results.length, JSON.parse(verified.stdout).total);
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual({ what: progress.lastDeploy?.what, ok: progress.lastDeploy?.ok }, { what: 'the solution', ok: true });
    const destroyed = await workshop('destroy', 'lab-1', ...target);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(cloud.services.cloudformation.stacks.size, 0);
    assert.equal(new ProgressStore(join(STATE, 'progress.json')).get('endpoint/ep').labs['lab-1'].lastDeploy?.what, 'destroy');
  });
});
