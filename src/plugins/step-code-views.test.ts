import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { viewAtStep } from '../components/StepCode/step-code.utils.ts';
import { stepChain, stepView } from '../components/StepCode/step-view.ts';
import { PROJECT_ROOT } from '../engine/paths.ts';
import stepCodeViews, { StepCodeError, solutionOf, stepCodeFiles, VIEWS_CONSTANT } from './step-code-views.ts';

const FILE = 'labs/lab-1-fan-out/stack.ts';

/** A `<StepCode>` element as MDX parses it: `step={n}` is an expression, the others strings. */
const stepCode = (attributes: Record<string, string>, step: string) => ({
  type: 'mdxJsxFlowElement',
  name: 'StepCode',
  attributes: [
    ...Object.entries(attributes).map(([name, value]) => ({ type: 'mdxJsxAttribute', name, value })),
    { type: 'mdxJsxAttribute', name: 'step', value: { type: 'mdxJsxAttributeValueExpression', value: step } },
  ],
  children: [],
});

const page = (...children: object[]) => ({ type: 'root', children: [{ type: 'paragraph', children: [] }, ...children] });
const transform = stepCodeViews({ siteDir: PROJECT_ROOT });
const run = (tree: object) => transform(tree as never, { path: join(PROJECT_ROOT, 'docs/lab-1-fan-out/index.mdx') });

test("the page gets each file's step views once, and each <StepCode> points at its file's", () => {
  assert.equal(solutionOf(FILE), 'labs/lab-1-fan-out/solution/stack.ts');
  const solution = readFileSync(join(PROJECT_ROOT, solutionOf(FILE)), 'utf8');
  const elements = [1, 4].map((step) => stepCode({ lab: 'lab-1', file: FILE }, String(step)));
  const tree = page(...elements);
  run(tree);
  const [esm] = tree.children as { type: string; value: string }[];
  assert.equal(esm.type, 'mdxjsEsm');
  const views = new Function(`${esm.value}; return ${VIEWS_CONSTANT};`)();
  assert.deepEqual(Object.keys(views), [FILE], 'one chain for the one file');
  assert.deepEqual(views[FILE], JSON.parse(JSON.stringify(stepChain(solution))));
  for (const [i, step] of [1, 4].entries()) {
    const attribute = elements[i].attributes.find((a) => a.name === 'views')?.value as { value: string };
    assert.equal(attribute.value, `${VIEWS_CONSTANT}["${FILE}"]`);
    assert.deepEqual(viewAtStep(views[FILE], step), stepView(solution, step));
  }
});

test('a <StepCode> the build cannot show fails it, saying what to fix', () => {
  const fails = (element: object, message: RegExp) =>
    assert.throws(
      () => run(page(element)),
      (e: Error) => e instanceof StepCodeError && message.test(e.message),
    );
  fails(stepCode({ lab: 'lab-1' }, '1'), /needs a file=/);
  fails(stepCode({ lab: 'lab-1', file: FILE }, 'step'), /step=\{n\} with a number/);
  fails(stepCode({ lab: 'lab-1', file: 'labs/lab-9/stack.ts' }, '1'), /labs\/lab-9\/solution\/stack\.ts is not there/);
  fails(stepCode({ lab: 'lab-1', file: FILE }, '99'), /has steps 1 to 5/);
  fails(stepCode({ lab: 'lab-1', file: FILE, source: 'x' }, '1'), /remove it/);
});

test('webpack is told that a lab page depends on the solution of each file its step code shows', () => {
  const mdx = readFileSync(join(PROJECT_ROOT, 'docs/lab-1-fan-out/index.mdx'), 'utf8');
  assert.deepEqual(stepCodeFiles(mdx), [FILE]);
  assert.deepEqual(stepCodeFiles('<StepCode lab="a" step={1} file="x/stack.ts" />\n<StepCode lab="b" step={2} file="y/other.ts" />'), [
    'x/stack.ts',
    'y/other.ts',
  ]);
});
