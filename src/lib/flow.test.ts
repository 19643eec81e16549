import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEvent, shortName } from './flow.ts';

const event = (service: string, type: string, resource: string, detail: Record<string, unknown> = {}) => ({ seq: 1, time: 0, service, type, resource, detail });

test('describes message movements in words a learner reads', () => {
  const topic = 'arn:aws:sns:us-east-1:000000000000:alice-RideCompletionTopic';
  assert.equal(shortName(topic), 'alice-RideCompletionTopic');
  assert.deepEqual(describeEvent(event('sns', 'filtered-out', topic, { protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:alice-ExtraordinaryRidesService' })), {
    tone: 'info',
    text: 'SNS alice-RideCompletionTopic ✕ filtered out for alice-ExtraordinaryRidesService',
  });
  assert.equal(describeEvent(event('lambda', 'invoked', 'arn:aws:lambda:us-east-1:0:function:f', { trigger: 'sns', coldStart: true, durationMs: 3 }))?.text, 'λ f ran (sns, cold start, 3 ms)');
  assert.equal(describeEvent(event('cloudformation', 'resource-status', 'x')), undefined);
});
