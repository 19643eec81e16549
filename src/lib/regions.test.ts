import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { extractRegion } from './regions.ts';

const source = `class A {
  f() {
    // #region step-1
    const topic = 1;
    // #region step-2
    use(topic);
    // #endregion step-2
    // #endregion step-1
  }
}`;

test('extracts a region, dedented, without nested markers', () => {
  assert.equal(extractRegion(source, 'step-1'), 'const topic = 1;\nuse(topic);');
  assert.equal(extractRegion(source, 'step-2'), 'use(topic);');
  assert.throws(() => extractRegion(source, 'step-9'), /No region "step-9"/);
});

test('every step of the Lab 1 solution has a region to show', () => {
  const solution = readFileSync(new URL('../../labs/lab-1-fan-out/solution/stack.ts', import.meta.url), 'utf8');
  for (const step of [1, 2, 3, 4]) assert.ok(extractRegion(solution, `step-${step}`).length > 0);
});
