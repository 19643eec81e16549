import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lastStep } from '../../../labs/kit/steps/index.ts';
import { PROJECT_ROOT } from '../../engine/paths.ts';
import { type StepView, viewAtStep } from './step-code.utils.ts';
import { encodeStepChain, stepChain, stepView } from './step-view.ts';

test('the views the page carries replay every step of every lab as the build computed it', () => {
  const solutions = globSync('labs/*/solution/stack.ts', { cwd: PROJECT_ROOT });
  assert.ok(solutions.length >= 5, `the labs' solutions are found (${solutions.length})`);
  for (const file of solutions) {
    const solution = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    // Through JSON, as the page carries it.
    const carried = JSON.parse(JSON.stringify(stepChain(solution)));
    for (let step = 1; step <= lastStep(solution); step++)
      assert.deepEqual(viewAtStep(carried, step), stepView(solution, step), `${file} step ${step}`);
  }
});

test('a step carries only the lines it adds: the rest are counts over the file before it', () => {
  const before = 'a\nb\nc\nold 1\nold 2\ne\n';
  const view: StepView = {
    after: 'a\nb\nc\nd\ne\n',
    rows: [
      { kind: 'fold', id: 0, lines: ['a', 'b'] },
      { kind: 'context', text: 'c' },
      { kind: 'remove', text: 'old 1' },
      { kind: 'remove', text: 'old 2' },
      { kind: 'add', text: 'd' },
      { kind: 'context', text: 'e' },
    ],
    added: 1,
    removed: 2,
  };
  const chain = encodeStepChain(before, [view]);
  assert.deepEqual(chain.steps[0], [
    ['f', 2],
    ['c', 1],
    ['r', 2],
    ['a', 'd'],
    ['c', 1],
  ]);
  assert.deepEqual(viewAtStep(chain, 1), view);
  assert.deepEqual(viewAtStep(chain, 0).after, before, 'step 0 is the starter');
});
