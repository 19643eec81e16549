import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignSeries, latestValues } from './metrics.utils.ts';

test('series with different timestamps share one x axis, with gaps where a series has no point', () => {
  const answer = {
    periodSeconds: 5,
    series: [
      { label: 'visible', timestamps: [10_000, 15_000], values: [3, 0] },
      { label: 'dead letters', timestamps: [15_000, 20_000], values: [1, 2] },
      { label: 'not deployed', timestamps: [], values: [], missing: 'no output' },
    ],
  };
  assert.deepEqual(alignSeries(answer), [
    [10, 15, 20],
    [3, 0, null],
    [null, 1, 2],
    [null, null, null],
  ]);
  assert.deepEqual(latestValues(answer), [0, 2, undefined]);
});
