import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchesAnyFilter } from './esm.ts';
import { matchesEventPattern, parseEventPattern } from './event-pattern.ts';
import { FilterPatternError } from './pattern.ts';

const event = {
  source: 'wildrydes.unicorn-management',
  'detail-type': 'RideCompleted',
  detail: {
    fare: 256.5,
    distance: 600,
    from: 'Berlin',
    to: 'Frankfurt',
    customer: 'cmr',
    tags: ['night', 'airport'],
    ip: '10.0.0.7',
    coupon: null,
  },
};
const matches = (pattern: object) => matchesEventPattern(pattern, event);

describe('EventBridge event patterns', () => {
  test('exact values at the top level and nested', () => {
    assert.equal(matches({ source: ['wildrydes.unicorn-management'], detail: { customer: ['cmr'] } }), true);
    assert.equal(matches({ source: ['other'] }), false);
    assert.equal(matches({ detail: { fare: [256.5] } }), true);
    assert.equal(matches({ detail: { coupon: [null] } }), true);
  });

  test('the Lab 1 rule: numeric conditions on both fields', () => {
    assert.equal(matches({ detail: { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] } }), true);
    assert.equal(matches({ detail: { fare: [{ numeric: ['>=', 500] }], distance: [{ numeric: ['>=', 20] }] } }), false);
  });

  test('prefix, suffix, equals-ignore-case and their ignore-case forms', () => {
    assert.equal(matches({ detail: { from: [{ prefix: 'Ber' }] } }), true);
    assert.equal(matches({ detail: { from: [{ prefix: { 'equals-ignore-case': 'ber' } }] } }), true);
    assert.equal(matches({ detail: { to: [{ suffix: 'furt' }] } }), true);
    assert.equal(matches({ detail: { to: [{ suffix: { 'equals-ignore-case': 'FURT' } }] } }), true);
    assert.equal(matches({ detail: { from: [{ 'equals-ignore-case': 'BERLIN' }] } }), true);
  });

  test('anything-but in every form', () => {
    assert.equal(matches({ detail: { customer: [{ 'anything-but': 'cmr' }] } }), false);
    assert.equal(matches({ detail: { customer: [{ 'anything-but': ['vip', 'staff'] }] } }), true);
    assert.equal(matches({ detail: { from: [{ 'anything-but': { prefix: 'Ber' } }] } }), false);
    assert.equal(matches({ detail: { to: [{ 'anything-but': { suffix: 'furt' } }] } }), false);
    assert.equal(matches({ detail: { customer: [{ 'anything-but': { 'equals-ignore-case': ['CMR'] } }] } }), false);
    assert.equal(matches({ detail: { from: [{ 'anything-but': { wildcard: 'B*n' } }] } }), false);
    assert.equal(matches({ detail: { missing: [{ 'anything-but': 'x' }] } }), false, 'a missing field does not match anything-but');
  });

  test('wildcard, with escapes', () => {
    assert.equal(matches({ source: [{ wildcard: 'wildrydes.*' }] }), true);
    assert.equal(matches({ source: [{ wildcard: '*.billing' }] }), false);
    assert.equal(matchesEventPattern({ path: [{ wildcard: 'a\\*b' }] }, { path: 'a*b' }), true);
    assert.equal(matchesEventPattern({ path: [{ wildcard: 'a\\*b' }] }, { path: 'axxb' }), false);
  });

  test('numbers compare numerically', () => {
    assert.equal(matchesEventPattern({ n: [300] }, { n: 3.0e2 }), true);
    assert.equal(matchesEventPattern({ n: [{ numeric: ['=', 300] }] }, { n: 300 }), true);
    assert.equal(matchesEventPattern({ n: [{ numeric: ['>', 0, '<', 10] }] }, { n: '5' }), false);
  });

  test('exists, cidr, arrays and $or', () => {
    assert.equal(matches({ detail: { tags: [{ exists: true }] } }), true);
    assert.equal(matches({ detail: { promo: [{ exists: false }] } }), true);
    assert.equal(matches({ detail: { ip: [{ cidr: '10.0.0.0/8' }] } }), true);
    assert.equal(matches({ detail: { tags: ['airport'] } }), true);
    assert.equal(matches({ detail: { $or: [{ customer: ['vip'] }, { distance: [{ numeric: ['>', 100] }] }] } }), true);
    assert.equal(matches({ detail: { $or: [{ customer: ['vip'] }, { distance: [{ numeric: ['>', 1000] }] }] } }), false);
  });

  test('refuses patterns AWS refuses', () => {
    for (const [pattern, reason] of [
      [{}, /must not be empty/],
      [{ source: [] }, /Empty arrays/],
      [{ source: [{ wildcard: 'a**b' }] }, /Consecutive wildcard/],
      [{ detail: { ip: [{ cidr: 'nonsense' }] } }, /CIDR/],
      [{ source: [{ prefix: 1 }] }, /prefix match pattern must be a string/],
    ] as const) {
      assert.throws(
        () => parseEventPattern(pattern),
        (e: Error) => e instanceof FilterPatternError && reason.test(e.message),
      );
    }
  });
});

describe('event source mapping filter criteria', () => {
  test('no filters let everything through; any matching filter passes a record', () => {
    const record = { body: { type: 'ride', fare: 10 }, attributes: {} };
    assert.equal(matchesAnyFilter([], record), true);
    assert.equal(
      matchesAnyFilter(
        [JSON.stringify({ body: { type: ['payment'] } }), JSON.stringify({ body: { fare: [{ numeric: ['<', 20] }] } })],
        record,
      ),
      true,
    );
    assert.equal(matchesAnyFilter([JSON.stringify({ body: { type: ['payment'] } })], record), false);
  });
});
