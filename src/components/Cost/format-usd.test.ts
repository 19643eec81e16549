import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUsd } from './format-usd.ts';

test('dollars a learner can read', () => {
  assert.equal(formatUsd(0), '$0');
  assert.equal(formatUsd(1.234), '$1.23');
  assert.equal(formatUsd(0.0000425), '$0.0000425');
  assert.equal(formatUsd(0.25), '$0.25');
});
