import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { Architecture } from '../../engine/architecture/types.ts';
import { indexArchitecture } from '../../lib/architecture-activity.ts';
import type { FlowEvent } from '../../lib/flow.ts';
import { manualFrames } from '../../lib/manual-frames.ts';
import { DiagramLights, type Painted } from './lights.ts';

// What the diagram's elements are to DiagramLights, counting the writes the browser would lay out
// again for (a text or `hidden` set, even to what it was) and the pulses started.
class FakeElement {
  textWrites = 0;
  hiddenWrites = 0;
  pulses = 0;
  dataset: Record<string, string> = {};
  style: Record<string, string> = {};
  private text = '';
  private isHidden = true;
  get textContent(): string {
    return this.text;
  }
  set textContent(value: string) {
    this.text = value;
    this.textWrites++;
  }
  get hidden(): boolean {
    return this.isHidden;
  }
  set hidden(value: boolean) {
    this.isHidden = value;
    this.hiddenWrites++;
  }
  animate(): Animation {
    this.pulses++;
    return { playState: 'finished' } as Animation;
  }
}

const topic = 'arn:aws:sns:us-east-1:0:alice-Rides';
const queue = 'arn:aws:sqs:us-east-1:0:alice-Work';
const dlq = 'arn:aws:sqs:us-east-1:0:alice-WorkDLQ';
const architecture: Architecture = {
  lab: 'lab-9',
  stackName: 'alice-lab-9',
  deployed: true,
  status: 'CREATE_COMPLETE',
  region: 'us-east-1',
  notes: [],
  nodes: [
    { id: topic, kind: 'topic', label: 'Rides', aliases: [], facts: {} },
    { id: queue, kind: 'queue', label: 'Work', aliases: [], facts: {} },
    { id: dlq, kind: 'queue', label: 'WorkDLQ', aliases: [], facts: { deadLetter: true } },
  ],
  edges: [
    { id: 'e-sub', source: topic, target: queue, kind: 'subscription', facts: { subscriptionArn: `${topic}:s1`, protocol: 'sqs' } },
    { id: 'e-sub-dlq', source: topic, target: dlq, kind: 'dead-letter', facts: { subscriptionArn: `${topic}:s1` } },
  ],
};
let seq = 0;
const snsEvent = (type: string, detail: Record<string, unknown> = {}) =>
  ({
    seq: ++seq,
    time: Date.now(),
    service: 'sns',
    type,
    resource: topic,
    detail: { subscriptionArn: `${topic}:s1`, endpoint: queue, protocol: 'sqs', ...detail },
  }) as unknown as FlowEvent;

function diagram() {
  const frames = manualFrames();
  const painted: Painted[][] = [];
  const lights = new DiagramLights(indexArchitecture(architecture), (p) => painted.push(p), frames.scheduler);
  const el = () => new FakeElement() as unknown as HTMLElement & FakeElement;
  const edge = { pulse: el(), passed: el(), filtered: el(), failed: el() };
  lights.registerEdge('e-sub', { pulse: edge.pulse as unknown as SVGPathElement });
  lights.registerEdge('e-sub', { counters: { passed: edge.passed, filtered: edge.filtered, failed: edge.failed } });
  const nodes = Object.fromEntries(
    [topic, queue, dlq].map((id) => {
      const node = { box: el(), text: el(), alarm: el() };
      lights.registerNode(id, node);
      return [id, node];
    }),
  );
  return { lights, frames, painted, edge, nodes };
}

beforeEach(() => {
  // The pulse of a running animation is restarted through its effect: Node has no KeyframeEffect.
  (globalThis as { KeyframeEffect?: unknown }).KeyframeEffect ??= class {};
});

test("a frame's events are counted together; a counter is written only when its number changes", () => {
  const { lights, frames, painted, edge } = diagram();
  for (let i = 0; i < 3; i++) lights.push(snsEvent('delivered'));
  frames.frame();
  assert.equal(edge.passed.textContent, '3');
  assert.equal(edge.passed.hidden, false);
  assert.equal(edge.passed.textWrites, 1, 'three deliveries in a frame: one write');
  frames.frame();
  assert.deepEqual(
    painted.flat().map((p) => p.seq),
    [seq - 2, seq - 1, seq],
    'every event is reported painted, the frame after it was drawn',
  );

  lights.push(snsEvent('delivered'));
  frames.frame();
  assert.equal(edge.passed.textContent, '4');
  assert.equal(edge.passed.textWrites, 2);
  assert.equal(edge.passed.hiddenWrites, 1, 'shown once, then left alone');
  // The counters at zero are neither shown nor rewritten, frame after frame.
  for (const counter of [edge.filtered, edge.failed]) {
    assert.equal(counter.hidden, true);
    assert.equal(counter.textWrites + counter.hiddenWrites, 0);
  }

  lights.push(snsEvent('filtered-out'));
  frames.frame();
  assert.equal(edge.filtered.textContent, '✕ 1 filtered');
  assert.equal(edge.filtered.hidden, false);
  assert.equal(edge.passed.textWrites, 2, 'the passed count did not change: not written');
});

test('a node says what happened to it, and a dead-letter queue counts its arrivals, written only when they change', () => {
  const { lights, frames, nodes } = diagram();
  lights.push(snsEvent('dead-lettered', { deadLetterQueue: dlq }));
  frames.frame();
  const box = nodes[dlq];
  assert.equal(box.box.dataset.lastTone, 'dead-letter');
  assert.equal(box.text.textContent, 'dead-lettered');
  assert.equal(box.alarm.textContent, '1 in DLQ');
  assert.equal(box.box.dataset.alarm, 'true');
  lights.push(snsEvent('dead-lettered', { deadLetterQueue: dlq }));
  frames.frame();
  assert.equal(box.alarm.textContent, '2 in DLQ');
  assert.equal(box.text.textWrites, 1, 'the same words: written once');
  assert.equal(box.alarm.hiddenWrites, 1);
});

test('a diagram out of view keeps counting but starts no pulses; back in view, it pulses again', () => {
  const { lights, frames, edge, nodes } = diagram();
  lights.push(snsEvent('delivered'));
  frames.frame();
  assert.equal(edge.pulse.pulses, 1);
  assert.equal(nodes[queue].box.pulses, 1);

  lights.setVisible(false);
  lights.push(snsEvent('delivered'));
  lights.push(snsEvent('dead-lettered', { deadLetterQueue: dlq }));
  frames.frame();
  assert.equal(edge.pulse.pulses, 1, 'no pulse out of view');
  assert.equal(nodes[dlq].box.pulses, 0);
  assert.equal(edge.passed.textContent, '2', 'still counted');
  assert.equal(nodes[dlq].alarm.textContent, '1 in DLQ', 'still marked');

  lights.setVisible(true);
  lights.push(snsEvent('delivered'));
  frames.frame();
  assert.equal(edge.pulse.pulses, 2);
  assert.equal(edge.passed.textContent, '3');
});

test('counts survive a new layout: elements registered again get the current numbers', () => {
  const { lights, frames } = diagram();
  lights.push(snsEvent('delivered'));
  lights.push(snsEvent('delivery-failed'));
  frames.frame();
  const passed = new FakeElement() as unknown as HTMLElement & FakeElement;
  const failed = new FakeElement() as unknown as HTMLElement & FakeElement;
  lights.registerEdge('e-sub', { counters: { passed, failed } });
  assert.equal(passed.textContent, '1');
  assert.equal(failed.textContent, '✗ 1 failed');
  assert.equal(failed.hidden, false);
});

test('stopped, a diagram paints nothing more', () => {
  const { lights, frames, painted, edge } = diagram();
  lights.push(snsEvent('delivered'));
  lights.stop();
  frames.frame();
  frames.frame();
  assert.equal(edge.passed.textWrites, 0);
  assert.equal(painted.length, 0);
});
