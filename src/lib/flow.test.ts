import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Activity, ActivityFacts, ActivityType } from '../shared/activity.ts';
import { describeEvent, SHOWN_EVENTS, shortName } from './flow.ts';

const activity = <K extends ActivityType>(kind: K, resource: string, detail: ActivityFacts[K]): Activity => {
  const [service, type] = kind.split(/\.(.*)/);
  return { seq: 1, time: 0, service, type, resource, detail } as Activity;
};

test('describes message movements in words a learner reads', () => {
  const topic = 'arn:aws:sns:us-east-1:000000000000:alice-RideCompletionTopic';
  assert.equal(shortName(topic), 'alice-RideCompletionTopic');
  const endpoint = 'arn:aws:lambda:us-east-1:000000000000:function:alice-ExtraordinaryRidesService';
  assert.deepEqual(
    describeEvent(activity('sns.filtered-out', topic, { messageId: 'm', subscriptionArn: `${topic}:s`, protocol: 'lambda', endpoint })),
    {
      tone: 'info',
      text: 'SNS alice-RideCompletionTopic ✕ filtered out for alice-ExtraordinaryRidesService',
    },
  );
  const run = { requestId: 'r', trigger: 'sns', coldStart: true, durationMs: 3 };
  assert.equal(
    describeEvent(activity('lambda.invoked', 'arn:aws:lambda:us-east-1:0:function:f', run))?.text,
    'λ f ran (sns, cold start, 3 ms)',
  );
  assert.equal(
    describeEvent(
      activity('cloudformation.resource-status', 'x', { stackName: 's', logicalId: 'l', resourceType: 't', status: 'CREATE_COMPLETE' }),
    ),
    undefined,
  );
});

test('describes HTTP/S retries and the confirmation handshake', () => {
  const topic = 'arn:aws:sns:us-east-1:000000000000:rides';
  const endpoint = 'http://127.0.0.1:8080/hook';
  const delivery = { messageId: 'm', subscriptionArn: `${topic}:s`, protocol: 'http', endpoint };
  assert.deepEqual(
    describeEvent(
      activity('sns.delivery-retry', topic, { ...delivery, attempt: 1, reason: 'the endpoint answered HTTP 500', retryInMs: 1000 }),
    ),
    {
      tone: 'info',
      text: 'SNS rides → hook: attempt 1 failed (the endpoint answered HTTP 500); retrying in 1000 ms',
    },
  );
  assert.equal(
    describeEvent(
      activity('sns.subscription-confirmed', topic, { subscriptionArn: `${topic}:s`, protocol: 'http', endpoint, authenticated: false }),
    )?.text,
    'SNS rides: http hook confirmed its subscription',
  );
});

test('describes a Step Functions execution state by state', () => {
  const execution = 'arn:aws:states:us-east-1:000000000000:execution:alice-FareProcessing:wr-563';
  const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:alice-FareProcessing';
  assert.equal(
    describeEvent(activity('states.state-entered', execution, { stateMachineArn, state: 'ChargeFare', stateType: 'Task' }))?.text,
    'Step Functions wr-563 → ChargeFare',
  );
  assert.deepEqual(
    describeEvent(activity('states.task-failed', execution, { stateMachineArn, state: 'ChargeFare', error: 'PaymentAuthException' })),
    {
      tone: 'fail',
      text: 'Step Functions wr-563: ChargeFare failed (PaymentAuthException)',
    },
  );
  assert.equal(
    describeEvent(activity('states.execution-timed-out', execution, { stateMachineArn, error: 'States.Timeout' }))?.text,
    'Step Functions wr-563 ■ timed out (States.Timeout)',
  );
  assert.equal(
    describeEvent(activity('states.state-exited', execution, { stateMachineArn, state: 'ChargeFare', stateType: 'Task' })),
    undefined,
  );
});

test('the message-flow view listens for every kind of activity it has words for, Step Functions included', () => {
  for (const kind of [
    'sns.published',
    'sns.delivered',
    'lambda.invoked',
    'states.execution-started',
    'states.state-entered',
    'states.execution-succeeded',
    's3.notified',
    'events.delivered',
  ]) {
    assert.ok(SHOWN_EVENTS.includes(kind), `${kind} is shown`);
  }
  assert.ok(!SHOWN_EVENTS.includes('states.state-exited'), 'a state exited is left out: its next state says it');
  assert.ok(!SHOWN_EVENTS.includes('cloudformation.resource-status'), 'deploy progress has its own view');
});
