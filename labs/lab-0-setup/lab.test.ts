import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { startTestCloud, type TestCloud } from '../../src/cloud/testing/test-cloud.ts';
import { LabEngine } from '../../src/engine/engine.ts';
import type { EngineEvent } from '../../src/engine/events.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

test('lab 0: every checkpoint passes against a running local cloud, and the snippet says hello', async () => {
  const engine = new LabEngine(cloud.target);
  const events: EngineEvent[] = [];
  assert.ok(await engine.verify('lab-0', (e) => events.push(e)), JSON.stringify(events.filter((e) => e.type === 'checkpoint' && !e.ok)));
  const output: string[] = [];
  assert.ok(await engine.run('lab-0', 'hello-queue', (e) => e.type === 'output' && output.push(e.line)));
  assert.ok(output.includes('Received "Hello from Wild Rydes!" (receive count 1).'), output.join('\n'));
  assert.ok(output.includes('Received it again after the visibility timeout (receive count 2).'), output.join('\n'));
  const { QueueUrls = [] } = await cloud.services.sqs.send(new ListQueuesCommand({}));
  assert.deepEqual(QueueUrls, [], 'the snippet removes its queue');
});

test('lab 0: without a cloud, the target checkpoint fails with its hint', async () => {
  const engine = new LabEngine({ ...cloud.target, endpoint: 'http://localhost:9' });
  const events: EngineEvent[] = [];
  assert.equal(await engine.verify('lab-0', (e) => events.push(e), { step: 1 }), false);
  const target = events.find((e) => e.type === 'checkpoint' && e.id === 'target-answers') as Extract<EngineEvent, { type: 'checkpoint' }>;
  assert.equal(target.ok, false);
  assert.match(target.hint, /npm start/);
});
