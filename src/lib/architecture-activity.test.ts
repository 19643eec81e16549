import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Architecture } from '../engine/architecture/types.ts';
import { indexArchitecture, marksFor } from './architecture-activity.ts';
import type { FlowEvent } from './flow.ts';

const topic = 'arn:aws:sns:us-east-1:0:alice-Rides';
const fn = (name: string) => `arn:aws:lambda:us-east-1:0:function:${name}`;
const queue = 'arn:aws:sqs:us-east-1:0:alice-Work';
const dlq = 'arn:aws:sqs:us-east-1:0:alice-WorkDLQ';
const machine = 'arn:aws:states:us-east-1:0:stateMachine:Fares';
const stream = 'arn:aws:kinesis:us-east-1:0:stream/alice-Pings';
const architecture: Architecture = {
  lab: 'lab-9',
  stackName: 'alice-lab-9',
  deployed: true,
  status: 'CREATE_COMPLETE',
  region: 'us-east-1',
  notes: [],
  nodes: [
    { id: 'api1', kind: 'api', label: 'api', aliases: ['api1/prod'], facts: {} },
    { id: topic, kind: 'topic', label: 'Rides', aliases: [], facts: {} },
    { id: fn('Publisher'), kind: 'function', label: 'Publisher', aliases: ['alice-Publisher'], facts: {} },
    { id: fn('Worker'), kind: 'function', label: 'Worker', aliases: [], facts: {} },
    { id: queue, kind: 'queue', label: 'Work', aliases: ['http://q/Work'], facts: {} },
    { id: dlq, kind: 'queue', label: 'WorkDLQ', aliases: [], facts: { deadLetter: true } },
    { id: machine, kind: 'state-machine', label: 'Fares', aliases: [], facts: {} },
    { id: stream, kind: 'stream', label: 'Pings', aliases: ['alice-Pings'], facts: {} },
  ],
  edges: [
    { id: 'e-api', source: 'api1', target: fn('Publisher'), kind: 'integration', facts: { method: 'POST', path: '/rides' } },
    { id: 'e-pub', source: fn('Publisher'), target: topic, kind: 'sends', facts: {} },
    { id: 'e-sub', source: topic, target: queue, kind: 'subscription', facts: { subscriptionArn: `${topic}:s1`, protocol: 'sqs' } },
    { id: 'e-sub-dlq', source: topic, target: dlq, kind: 'dead-letter', facts: { subscriptionArn: `${topic}:s1` } },
    { id: 'e-map', source: queue, target: fn('Worker'), kind: 'mapping', facts: { mappingUuid: 'm1' } },
    { id: 'e-task', source: machine, target: fn('Worker'), kind: 'task', facts: { states: ['ChargeFare'] } },
    { id: 'e-put', source: fn('Worker'), target: stream, kind: 'sends', facts: {} },
  ],
};
const index = indexArchitecture(architecture);
let seq = 0;
// Events as the stream carries them; built loosely here, so cast to the streamed type.
const event = (service: string, type: string, resource: string, detail: Record<string, unknown> = {}) =>
  ({ seq: ++seq, time: Date.now(), service, type, resource, detail }) as unknown as FlowEvent;

test('a request lights its API route; a publish lights the topic and its only publisher', () => {
  assert.deepEqual(marksFor(event('apigateway', 'request', 'api1/prod', { method: 'POST', path: '/rides' }), index), {
    nodes: [{ id: 'api1', tone: 'move' }],
    edges: [{ id: 'e-api', tone: 'move', count: 'passed' }],
  });
  assert.deepEqual(marksFor(event('sns', 'published', topic), index).edges, [{ id: 'e-pub', tone: 'move', count: 'passed' }]);
});

test('records put on a stream light the stream and its only producer', () => {
  assert.deepEqual(marksFor(event('kinesis', 'records-put', stream, { records: 3 }), index), {
    nodes: [{ id: stream, tone: 'move' }],
    edges: [{ id: 'e-put', tone: 'move', count: 'passed' }],
  });
  assert.deepEqual(marksFor(event('kinesis', 'records-put', `${stream}-other`, { records: 1 }), index), { nodes: [], edges: [] });
});

test('deliveries, filtered messages and failures count on the subscription; a dead-lettered one lights the DLQ', () => {
  const detail = { subscriptionArn: `${topic}:s1`, endpoint: queue, protocol: 'sqs' };
  assert.deepEqual(marksFor(event('sns', 'delivered', topic, detail), index).edges, [{ id: 'e-sub', tone: 'move', count: 'passed' }]);
  assert.deepEqual(marksFor(event('sns', 'filtered-out', topic, detail), index).edges, [
    { id: 'e-sub', tone: 'filtered', count: 'filtered' },
  ]);
  assert.deepEqual(marksFor(event('sns', 'delivery-failed', topic, detail), index).edges, [{ id: 'e-sub', tone: 'fail', count: 'failed' }]);
  const dead = marksFor(event('sns', 'dead-lettered', topic, { ...detail, deadLetterQueue: dlq }), index);
  assert.deepEqual(dead.nodes, [{ id: dlq, tone: 'dead-letter', text: 'dead-lettered' }]);
  assert.deepEqual(
    dead.edges.map((e) => [e.id, e.tone]),
    [
      ['e-sub', 'fail'],
      ['e-sub-dlq', 'dead-letter'],
    ],
  );
});

test('an invocation from a queue lights its mapping; a failed one in red; a failed batch counts on the mapping', () => {
  assert.deepEqual(marksFor(event('lambda', 'invoked', fn('Worker'), { trigger: 'sqs', durationMs: 4 }), index), {
    nodes: [{ id: fn('Worker'), tone: 'move', text: 'ran 4 ms' }],
    edges: [{ id: 'e-map', tone: 'move', count: 'passed' }],
  });
  assert.equal(marksFor(event('lambda', 'failed', `${fn('Worker')}:live`, { trigger: 'sqs' }), index).nodes[0].tone, 'fail');
  assert.deepEqual(marksFor(event('lambda', 'batch-failed', queue, { uuid: 'm1' }), index).edges, [
    { id: 'e-map', tone: 'fail', count: 'failed' },
  ]);
});

test('a state entered lights the Task edge of that state and names it on the machine', () => {
  const marks = marksFor(event('states', 'state-entered', `${machine}:exec-1`, { stateMachineArn: machine, state: 'ChargeFare' }), index);
  assert.deepEqual(marks, {
    nodes: [{ id: machine, tone: 'move', text: '→ ChargeFare' }],
    edges: [{ id: 'e-task', tone: 'move', count: 'passed' }],
  });
  assert.equal(
    marksFor(event('states', 'execution-failed', `${machine}:exec-1`, { stateMachineArn: machine }), index).nodes[0].tone,
    'fail',
  );
});

test('events about other resources light nothing', () => {
  assert.deepEqual(marksFor(event('sns', 'published', 'arn:aws:sns:us-east-1:0:someone-else'), index), { nodes: [], edges: [] });
  assert.deepEqual(marksFor(event('cloudformation', 'resource-status', 'x'), index), { nodes: [], edges: [] });
});
