import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEventView } from '../../lib/state-machines.ts';
import { pathFromHistory, takenEdges } from './execution.utils.ts';

/** A history as GetExecutionHistory returns it, 5 ms between events. */
function history(...events: [string, Record<string, unknown>?][]): HistoryEventView[] {
  const detailsKey = (type: string) =>
    type.endsWith('StateEntered')
      ? 'stateEnteredEventDetails'
      : type.endsWith('StateExited')
        ? 'stateExitedEventDetails'
        : `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;
  return events.map(
    ([type, details], i) =>
      ({
        id: i + 1,
        previousEventId: i,
        type,
        timestamp: new Date(Date.UTC(2026, 0, 1) + i * 5).toISOString(),
        ...(details ? { [detailsKey(type)]: details } : {}),
      }) as HistoryEventView,
  );
}
const task = (name: string, ...outcome: [string, Record<string, unknown>?][]): [string, Record<string, unknown>?][] => [
  ['TaskStateEntered', { name }],
  ['TaskScheduled', { resourceType: 'lambda', resource: 'invoke' }],
  ['TaskStarted'],
  ...outcome,
  ['TaskStateExited', { name }],
];
const ok: [string, Record<string, unknown>?] = ['TaskSucceeded', {}];

test('a good fare: every state succeeded, six transitions', () => {
  const path = pathFromHistory(
    history(
      ['ExecutionStarted', {}],
      ...task('RegisterFare', ok),
      ...task('ChargeFare', ok),
      ...task('CreditCustomerAccount', ok),
      ...task('SetFareStatusCompleted', ok),
      ...task('NotifySuccess', ok),
      ['SucceedStateEntered', { name: 'FareProcessingSucceeded' }],
      ['SucceedStateExited', { name: 'FareProcessingSucceeded' }],
      ['ExecutionSucceeded', {}],
    ),
  );
  assert.equal(path.status, 'SUCCEEDED');
  assert.deepEqual(
    path.steps.map((s) => [s.state, s.status]),
    [
      ['RegisterFare', 'succeeded'],
      ['ChargeFare', 'succeeded'],
      ['CreditCustomerAccount', 'succeeded'],
      ['SetFareStatusCompleted', 'succeeded'],
      ['NotifySuccess', 'succeeded'],
      ['FareProcessingSucceeded', 'succeeded'],
    ],
  );
  assert.equal(path.transitions, 6);
  assert.equal(path.durationMs, 5 * 28);
  assert.ok(takenEdges(path.steps).every((edge) => !edge.caught));
});

test('a declined card: ChargeFare fails, is caught to SetFareStatusFailed, and the execution ends in its Fail state', () => {
  const path = pathFromHistory(
    history(
      ['ExecutionStarted', {}],
      ...task('RegisterFare', ok),
      ...task('ChargeFare', ['TaskFailed', { error: 'PaymentAuthException', cause: '{}' }]),
      ...task('SetFareStatusFailed', ok),
      ...task('NotifyFailure', ok),
      ['FailStateEntered', { name: 'FareProcessingFailed' }],
      ['ExecutionFailed', { error: 'PaymentAuthException' }],
    ),
  );
  assert.equal(path.status, 'FAILED');
  assert.equal(path.error, 'PaymentAuthException');
  const charge = path.steps[1];
  assert.deepEqual([charge.status, charge.error, charge.caughtTo], ['caught', 'PaymentAuthException', 'SetFareStatusFailed']);
  assert.equal(path.steps.at(-1)!.status, 'failed');
  assert.deepEqual(takenEdges(path.steps)[1], { from: 'ChargeFare', to: 'SetFareStatusFailed', caught: true });
});

test('a retried task counts its retries, in the transitions too, and ends as it ended', () => {
  const path = pathFromHistory(
    history(
      ['ExecutionStarted', {}],
      ['TaskStateEntered', { name: 'ChargeFare' }],
      ['TaskScheduled', {}],
      ['TaskFailed', { error: 'Lambda.ServiceException' }],
      ['TaskScheduled', {}],
      ['TaskFailed', { error: 'Lambda.ServiceException' }],
      ['TaskScheduled', {}],
      ['TaskSucceeded', {}],
      ['TaskStateExited', { name: 'ChargeFare' }],
      ['SucceedStateEntered', { name: 'Done' }],
      ['ExecutionSucceeded', {}],
    ),
  );
  assert.deepEqual([path.steps[0].status, path.steps[0].retries, path.steps[0].caughtTo], ['succeeded', 2, undefined]);
  assert.equal(path.transitions, 2 + 2);
});

test('a callback task that sent its message and has no answer yet: the execution waits in it', () => {
  const path = pathFromHistory(
    history(
      ['ExecutionStarted', {}],
      ...task('RefundFare', ['TaskFailed', { error: 'PaymentRefundException' }]),
      ['TaskStateEntered', { name: 'ParkFailedRefund' }],
      ['TaskScheduled', { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' }],
      ['TaskStarted', {}],
      ['TaskSubmitted', { output: '{}' }],
    ),
  );
  assert.equal(path.status, 'RUNNING');
  assert.deepEqual(
    path.steps.map((s) => s.status),
    ['caught', 'waiting'],
  );
});

test('an empty history is an execution that has not started a state yet', () => {
  assert.deepEqual(pathFromHistory([]), { steps: [], status: 'RUNNING', error: undefined, durationMs: undefined, transitions: 0 });
});
