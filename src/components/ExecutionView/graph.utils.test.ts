import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curveThrough, layoutStateMachine, NODE_HEIGHT, NODE_WIDTH, transitionsOf } from './graph.utils.ts';

// The fare-collection saga of Lab 4, as its definition names states and transitions.
const task = (Next?: string, Catch?: [string[], string][]) => ({
  Type: 'Task',
  ...(Next ? { Next } : { End: true }),
  ...(Catch ? { Catch: Catch.map(([ErrorEquals, next]) => ({ ErrorEquals, Next: next })) } : {}),
});
const SAGA = {
  StartAt: 'RegisterFare',
  States: {
    RegisterFare: task('ChargeFare', [[['States.ALL'], 'NotifyFailure']]),
    ChargeFare: task('CreditCustomerAccount', [[['PaymentAuthException', 'PaymentChargeException'], 'SetFareStatusFailed']]),
    CreditCustomerAccount: task('SetFareStatusCompleted', [[['AccountCreditException'], 'RefundFare']]),
    SetFareStatusCompleted: task('NotifySuccess'),
    NotifySuccess: task('FareProcessingSucceeded'),
    FareProcessingSucceeded: { Type: 'Succeed' },
    RefundFare: task('SetFareStatusFailed', [[['States.ALL'], 'ParkFailedRefund']]),
    ParkFailedRefund: task('SetFareStatusFailed'),
    SetFareStatusFailed: task('NotifyFailure'),
    NotifyFailure: task('FareProcessingFailed'),
    FareProcessingFailed: { Type: 'Fail' },
  },
};

test('transitions: Next, each catcher with the errors it matches, Choice branches and Default', () => {
  const edges = transitionsOf({
    StartAt: 'A',
    States: {
      A: { Type: 'Choice', Choices: [{ Next: 'B' }], Default: 'C' },
      B: { Type: 'Task', Next: 'C', Catch: [{ ErrorEquals: ['Oops'], Next: 'C' }] },
      C: { Type: 'Succeed' },
    },
  });
  assert.deepEqual(edges, [
    { from: 'A', to: 'B', kind: 'choice' },
    { from: 'A', to: 'C', kind: 'choice', label: 'default' },
    { from: 'B', to: 'C', kind: 'next' },
    { from: 'B', to: 'C', kind: 'catch', label: 'Oops' },
  ]);
});

test("the saga's layers: the happy path straight down, each state below everything that leads to it", () => {
  const graph = layoutStateMachine(JSON.stringify(SAGA));
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
  const happy = [
    'RegisterFare',
    'ChargeFare',
    'CreditCustomerAccount',
    'SetFareStatusCompleted',
    'NotifySuccess',
    'FareProcessingSucceeded',
  ];
  assert.deepEqual(
    happy.map((id) => node(id).layer),
    [0, 1, 2, 3, 4, 5],
  );
  assert.equal(new Set(happy.map((id) => node(id).x)).size, 1, 'the happy path is one straight column');
  for (const edge of graph.edges) assert.ok(node(edge.to).layer > node(edge.from).layer, `${edge.from} → ${edge.to} goes down`);
  assert.deepEqual(
    ['SetFareStatusFailed', 'NotifyFailure', 'FareProcessingFailed'].map((id) => node(id).layer),
    [5, 6, 7],
  );
});

test('no two states overlap, and the graph holds them all', () => {
  const graph = layoutStateMachine(SAGA);
  for (const a of graph.nodes) {
    assert.ok(
      a.x - NODE_WIDTH / 2 >= 0 && a.x + NODE_WIDTH / 2 <= graph.width && a.y + NODE_HEIGHT / 2 <= graph.height,
      `${a.id} is inside the graph`,
    );
    for (const b of graph.nodes)
      if (a !== b && a.layer === b.layer) assert.ok(Math.abs(a.x - b.x) >= NODE_WIDTH, `${a.id} and ${b.id} overlap`);
  }
});

test('an edge that skips layers goes around the states in between, through a point per layer', () => {
  const graph = layoutStateMachine(SAGA);
  const long = graph.edges.find((e) => e.from === 'RegisterFare' && e.to === 'NotifyFailure')!;
  assert.equal(long.points.length, 2 + 5, 'start, end, and one point in each of the five layers between');
  for (const point of long.points.slice(1, -1)) {
    for (const node of graph.nodes) {
      const inside = Math.abs(point.x - node.x) < NODE_WIDTH / 2 && Math.abs(point.y - node.y) < NODE_HEIGHT / 2;
      assert.ok(!inside, `the edge passes through ${node.id}`);
    }
  }
  const from = graph.nodes.find((n) => n.id === 'RegisterFare')!;
  assert.deepEqual(long.points[0], { x: from.x, y: from.y + NODE_HEIGHT / 2 });
});

test('a loop is drawn without breaking the layers', () => {
  const graph = layoutStateMachine({
    StartAt: 'Poll',
    States: {
      Poll: { Type: 'Task', Next: 'Done?' },
      'Done?': { Type: 'Choice', Choices: [{ Next: 'Finish' }], Default: 'Poll' },
      Finish: { Type: 'Succeed' },
    },
  });
  assert.deepEqual(
    graph.nodes.map((n) => [n.id, n.layer]),
    [
      ['Poll', 0],
      ['Done?', 1],
      ['Finish', 2],
    ],
  );
  assert.equal(graph.edges.length, 3);
});

test('curves run from point to point', () => {
  assert.equal(
    curveThrough([
      { x: 0, y: 0 },
      { x: 10, y: 40 },
    ]),
    'M 0 0 C 0 20, 10 20, 10 40',
  );
});
