import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode } from './codec.ts';

test('round-trips Maps, Sets, Dates and bigints', () => {
  const state = { topics: new Map([['a', { tags: new Set(['x']), at: new Date('2026-01-02T03:04:05Z'), n: 12n }]]) };
  const back = decode<typeof state>(encode(state));
  const topic = back.topics.get('a')!;
  assert.deepEqual([...topic.tags], ['x']);
  assert.equal(topic.at.toISOString(), '2026-01-02T03:04:05.000Z');
  assert.equal(topic.n, 12n);
});
