import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { visibleRows } from './step-code.utils.ts';
import { stepView } from './step-view.ts';

const annotated = `import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns'; // #step 1
const a = 1;
const b = 2;
const c = 3;
const d = 4;
const e = 5;
const f = 6;
const g = 7;
const topic = new sns.Topic(); // #step 1
`;

test('a step shows its added lines with context, and folds what lies between', () => {
  const view = stepView(annotated, 1);
  assert.equal(view.added, 2);
  assert.equal(view.removed, 0);
  assert.deepEqual(
    view.rows.map((r) => (r.kind === 'fold' ? `fold ${r.lines.length}` : `${r.kind} ${r.text}`)),
    [
      "context import { Stack } from 'aws-cdk-lib';",
      "add import * as sns from 'aws-cdk-lib/aws-sns';",
      'context const a = 1;',
      'context const b = 2;',
      'fold 3',
      'context const f = 6;',
      'context const g = 7;',
      'add const topic = new sns.Topic();',
    ],
  );
});

test('unfolding shows every line of the file after the step, in order', () => {
  const view = stepView(annotated, 1);
  const lines = visibleRows(view.rows, 'all').map((r) => (r.kind === 'fold' ? '' : r.text));
  assert.equal(`${lines.join('\n')}\n`, view.after);
  const one = visibleRows(view.rows, new Set([view.rows.findIndex((r) => r.kind === 'fold')]));
  assert.equal(one.filter((r) => r.kind === 'fold').length, 0);
});

test('every step of every lab solution can be shown', () => {
  const solution = readFileSync(new URL('../../../labs/lab-1-fan-out/solution/stack.ts', import.meta.url), 'utf8');
  for (const step of [1, 2, 3, 4, 5]) assert.ok(stepView(solution, step).added > 0, `step ${step} adds nothing`);
});
