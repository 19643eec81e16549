import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ActivityCounter, countedResource } from './activity.ts';

let seq = 0;
const event = (service: string, type: string, resource: string, detail: Record<string, unknown> = {}, time = Date.now()) => ({
  seq: ++seq,
  time,
  service,
  type,
  resource,
  detail,
});
const fn = 'arn:aws:lambda:us-east-1:0:function:f';

test('counts events per resource, with billed milliseconds, deliveries per protocol and execution time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'activity-'));
  try {
    const counter = new ActivityCounter(join(dir, 'activity.json'));
    counter.add(event('lambda', 'invoked', `${fn}:live`, { durationMs: 2.2 }));
    counter.add(event('lambda', 'failed', fn, { durationMs: 0.3 }));
    counter.add(event('sns', 'delivered', 'topic', { protocol: 'lambda' }));
    counter.add(event('states', 'execution-started', 'exec-1', { stateMachineArn: 'machine' }, 1_000));
    counter.add(event('states', 'state-entered', 'exec-1', { stateMachineArn: 'machine' }, 1_010));
    counter.add(event('states', 'execution-succeeded', 'exec-1', { stateMachineArn: 'machine' }, 1_250));
    counter.add(event('apigateway', 'request', 'api1/prod'));
    const { counts } = counter.of([fn, 'topic', 'machine', 'api1', 'nothing']);
    assert.deepEqual(counts[fn], { 'lambda.invoked': 1, 'lambda.failed': 1, 'lambda.billedMs': 4 });
    assert.deepEqual(counts.topic, { 'sns.delivered': 1, 'sns.delivered.lambda': 1 });
    assert.deepEqual(counts.machine, {
      'states.execution-started': 1,
      'states.state-entered': 1,
      'states.execution-succeeded': 1,
      'states.durationMs': 250,
    });
    assert.deepEqual(counts.api1, { 'apigateway.request': 1 });
    assert.equal(counts.nothing, undefined);

    // A resource created again starts from zero; a reset of some resources forgets only them.
    counter.add(event('lambda', 'function-created', fn));
    assert.equal(counter.of([fn]).counts[fn], undefined);
    counter.reset(['topic']);
    assert.deepEqual(Object.keys(counter.of(['topic', 'machine']).counts), ['machine']);
    // Counts survive a restart of the lab API.
    counter.stop();
    assert.deepEqual(new ActivityCounter(join(dir, 'activity.json')).of(['machine']).counts.machine['states.state-entered'], 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('executions count for their state machine, functions without their qualifier', () => {
  assert.equal(countedResource(event('states', 'state-entered', 'exec', { stateMachineArn: 'machine' })), 'machine');
  assert.equal(countedResource(event('lambda', 'invoked', `${fn}:3`)), fn);
  assert.equal(countedResource(event('apigateway', 'request', 'abc/prod')), 'abc');
});
