import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Checkpoint, defineLab } from './lab.ts';

const checkpoint = (id: string, step: number, extra: Partial<Checkpoint> = {}): Checkpoint => ({
  id,
  step,
  title: id,
  hint: `fix ${id}`,
  run: async () => undefined,
  ...extra,
});

const lab = (checkpoints: Checkpoint[]) =>
  defineLab({
    id: 'lab-9',
    slug: 'lab-9-order',
    title: 'Order',
    steps: [
      { n: 1, title: 'One' },
      { n: 2, title: 'Two' },
    ],
    stack: { className: 'OrderStack' },
    snippets: [],
    checkpoints,
  });

test('an early checkpoint may start after early ones of its step listed before it', () => {
  assert.doesNotThrow(() =>
    lab([checkpoint('failures', 2, { startEarly: true }), checkpoint('redrive', 2, { startEarly: { after: ['failures'] } })]),
  );
});

test('a lab whose early checkpoint starts after one that a verify of its step would not run first is refused', () => {
  const cases: [string, Checkpoint[]][] = [
    ['not early', [checkpoint('state', 2), checkpoint('redrive', 2, { startEarly: { after: ['state'] } })]],
    ['another step', [checkpoint('failures', 1, { startEarly: true }), checkpoint('redrive', 2, { startEarly: { after: ['failures'] } })]],
    ['listed after', [checkpoint('redrive', 2, { startEarly: { after: ['failures'] } }), checkpoint('failures', 2, { startEarly: true })]],
    ['missing', [checkpoint('redrive', 2, { startEarly: { after: ['nowhere'] } })]],
  ];
  for (const [why, checkpoints] of cases)
    assert.throws(
      () => lab(checkpoints),
      /checkpoint "redrive" starts after "\w+", which is not an early checkpoint of step 2 listed before it/,
      why,
    );
});
