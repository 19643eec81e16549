// Lab 2 from a terminal: the worker runs in the foreground until Ctrl-C and then stops cleanly,
// and `npx workshop test lab-2` runs the learner's tests (the shipped examples) against the lab.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startTestCloud, type TestCloud } from '../../src/cloud/testing/test-cloud.ts';
import { LabEngine } from '../../src/engine/engine.ts';
import { PROJECT_ROOT } from '../../src/engine/paths.ts';
import { clientConfig } from '../kit/clients.ts';
import { sampleBatch } from './sample-batch.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'workshop.mjs');
let cloud: TestCloud;
let target: string[];
let outputs: Record<string, string>;

before(async () => {
  cloud = await startTestCloud();
  target = ['--endpoint', cloud.endpoint, '--prefix', cloud.target.prefix];
  const engine = new LabEngine(cloud.target);
  let done: { ok: boolean; outputs?: Record<string, string>; error?: unknown } | undefined;
  await engine.deploy('lab-2', { solution: true, step: Number.POSITIVE_INFINITY }, (event) => {
    if (event.type === 'done') done = event;
  });
  assert.ok(done?.ok, JSON.stringify(done?.error));
  outputs = done!.outputs!;
});
after(() => cloud.stop());

describe('Lab 2 from a terminal', () => {
  test('npx workshop run lab-2 worker ingests batches until Ctrl-C, then stops cleanly', async () => {
    const child = spawn(process.execPath, [BIN, 'run', 'lab-2', 'worker', ...target], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const waitFor = async (pattern: RegExp) => {
      for (const deadline = Date.now() + 30_000; !pattern.test(output); await new Promise((r) => setTimeout(r, 50))) {
        assert.ok(Date.now() < deadline, `no ${pattern} in:\n${output}`);
      }
    };
    await waitFor(/Polling/);
    const batch = sampleBatch('Terminal Unicorns', 3);
    await new SQSClient(clientConfig(cloud.target)).send(
      new SendMessageCommand({ QueueUrl: outputs.RideBatchQueueUrl, MessageBody: JSON.stringify(batch) }),
    );
    await waitFor(/3 rides of Terminal Unicorns .* stored and published/);
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.match(output, /Stopping/);
    assert.match(output, /Stopped cleanly: \d+ message\(s\) processed, 0 dead-lettered, 0 left to retry/);
  });

  test("npx workshop test lab-2 runs the lab's own tests against it", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'test', 'lab-2', ...target], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.match(stdout, /3 passed, 0 failed/);
    assert.match(stdout, /only that message is reported failed/);
  });
});
