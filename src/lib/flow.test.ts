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

test('describes HTTP/S retries and the confirmation handshake', () => {
  const topic = 'arn:aws:sns:us-east-1:000000000000:rides';
  const endpoint = 'http://127.0.0.1:8080/hook';
  assert.deepEqual(describeEvent(event('sns', 'delivery-retry', topic, { endpoint, attempt: 1, reason: 'the endpoint answered HTTP 500', retryInMs: 1000 })), {
    tone: 'info',
    text: 'SNS rides → hook: attempt 1 failed (the endpoint answered HTTP 500); retrying in 1000 ms',
  });
  assert.equal(describeEvent(event('sns', 'subscription-confirmed', topic, { protocol: 'http', endpoint }))?.text, 'SNS rides: http hook confirmed its subscription');
});

test('describes a Step Functions execution state by state', () => {
  const execution = 'arn:aws:states:us-east-1:000000000000:execution:alice-FareProcessing:wr-563';
  assert.equal(describeEvent(event('states', 'state-entered', execution, { state: 'ChargeFare', stateType: 'Task' }))?.text, 'Step Functions wr-563 → ChargeFare');
  assert.deepEqual(describeEvent(event('states', 'task-failed', execution, { state: 'ChargeFare', error: 'PaymentAuthException' })), { tone: 'fail', text: 'Step Functions wr-563: ChargeFare failed (PaymentAuthException)' });
  assert.equal(describeEvent(event('states', 'execution-timed-out', execution, { error: 'States.Timeout' }))?.text, 'Step Functions wr-563 ■ timed out (States.Timeout)');
  assert.equal(describeEvent(event('states', 'state-exited', execution, { state: 'ChargeFare' })), undefined);
});
