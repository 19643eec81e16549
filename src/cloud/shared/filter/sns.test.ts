import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FilterPatternError } from './pattern.ts';
import { matchesSnsFilterPolicy, parseSnsFilterPolicy, type SnsMessageAttribute } from './sns.ts';

const n = (value: number | string): SnsMessageAttribute => ({ DataType: 'Number', StringValue: String(value) });
const s = (value: string): SnsMessageAttribute => ({ DataType: 'String', StringValue: value });
const arr = (values: unknown[]): SnsMessageAttribute => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });
const attributes = (policy: object, attrs: Record<string, SnsMessageAttribute>) =>
  matchesSnsFilterPolicy(parseSnsFilterPolicy(JSON.stringify(policy)), { body: '{}', attributes: attrs });
const body = (policy: object, message: unknown) =>
  matchesSnsFilterPolicy(parseSnsFilterPolicy(policy, 'MessageBody'), {
    body: typeof message === 'string' ? message : JSON.stringify(message),
    attributes: {},
  });

describe('SNS filter policies on message attributes', () => {
  const lab1 = { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] };
  test('the Lab 1 policy: both conditions must hold', () => {
    assert.equal(attributes(lab1, { fare: n(256.5), distance: n(600) }), true);
    assert.equal(attributes(lab1, { fare: n(50), distance: n(20) }), true);
    assert.equal(attributes(lab1, { fare: n(12), distance: n(600) }), false);
    assert.equal(attributes(lab1, { fare: n(256.5), distance: n(5) }), false);
    assert.equal(attributes(lab1, { fare: n(256.5) }), false, 'a missing attribute does not match');
  });

  test('numeric conditions apply to Number attributes only; string values to String attributes only', () => {
    assert.equal(attributes({ fare: [{ numeric: ['>', 10] }] }, { fare: s('256') }), false);
    assert.equal(attributes({ fare: [100] }, { fare: n('1.0e2') }), true);
    assert.equal(attributes({ fare: ['100'] }, { fare: n(100) }), false);
    assert.equal(attributes({ fare: [100] }, { fare: s('100') }), false);
  });

  test('numeric ranges and equality', () => {
    const range = { fare: [{ numeric: ['>', 0, '<=', 100] }] };
    assert.equal(attributes(range, { fare: n(100) }), true);
    assert.equal(attributes(range, { fare: n(0) }), false);
    assert.equal(attributes({ fare: [{ numeric: ['=', 7.5] }] }, { fare: n(7.5) }), true);
  });

  test('exact strings (OR within a key, case-sensitive)', () => {
    assert.equal(attributes({ customer: ['cmr', 'vip'] }, { customer: s('vip') }), true);
    assert.equal(attributes({ customer: ['cmr'] }, { customer: s('CMR') }), false);
  });

  test('prefix, suffix and equals-ignore-case', () => {
    assert.equal(attributes({ city: [{ prefix: 'Ber' }] }, { city: s('Berlin') }), true);
    assert.equal(attributes({ city: [{ prefix: 'Ber' }] }, { city: s('Hamburg') }), false);
    assert.equal(attributes({ file: [{ suffix: '.json' }] }, { file: s('rides.json') }), true);
    assert.equal(attributes({ city: [{ 'equals-ignore-case': 'berlin' }] }, { city: s('BERLIN') }), true);
  });

  test('anything-but: values, numbers and prefix; a missing attribute does not match', () => {
    const policy = { status: [{ 'anything-but': ['cancelled', 'refunded'] }] };
    assert.equal(attributes(policy, { status: s('completed') }), true);
    assert.equal(attributes(policy, { status: s('cancelled') }), false);
    assert.equal(attributes(policy, {}), false);
    assert.equal(attributes({ fare: [{ 'anything-but': [0] }] }, { fare: n(0) }), false);
    assert.equal(attributes({ fare: [{ 'anything-but': [0] }] }, { fare: n(3) }), true);
    assert.equal(attributes({ city: [{ 'anything-but': { prefix: 'Ber' } }] }, { city: s('Bern') }), false);
    assert.equal(attributes({ city: [{ 'anything-but': { prefix: 'Ber' } }] }, { city: s('Paris') }), true);
  });

  test('exists true and false', () => {
    assert.equal(attributes({ promo: [{ exists: true }] }, { promo: s('x') }), true);
    assert.equal(attributes({ promo: [{ exists: true }] }, {}), false);
    assert.equal(attributes({ promo: [{ exists: false }] }, {}), true);
    assert.equal(attributes({ promo: [{ exists: false }] }, { promo: s('x') }), false);
  });

  test('String.Array attributes match when any element does', () => {
    assert.equal(attributes({ tags: ['vip'] }, { tags: arr(['new', 'vip']) }), true);
    assert.equal(attributes({ tags: ['vip'] }, { tags: arr(['new']) }), false);
  });

  test('Binary attributes match nothing but exists', () => {
    const binary: SnsMessageAttribute = { DataType: 'Binary', BinaryValue: 'AAE=' };
    assert.equal(attributes({ blob: ['AAE='] }, { blob: binary }), false);
    assert.equal(attributes({ blob: [{ exists: true }] }, { blob: binary }), true);
  });

  test('$or between alternatives', () => {
    const policy = { $or: [{ fare: [{ numeric: ['>=', 50] }] }, { customer: ['vip'] }] };
    assert.equal(attributes(policy, { fare: n(10), customer: s('vip') }), true);
    assert.equal(attributes(policy, { fare: n(60) }), true);
    assert.equal(attributes(policy, { fare: n(10) }), false);
  });

  test('IP address matching with cidr', () => {
    assert.equal(attributes({ source: [{ cidr: '10.0.0.0/24' }] }, { source: s('10.0.0.255') }), true);
    assert.equal(attributes({ source: [{ cidr: '10.0.0.0/24' }] }, { source: s('10.0.1.1') }), false);
    assert.equal(attributes({ source: [{ cidr: '2001:db8::/32' }] }, { source: s('2001:db8::1') }), true);
  });
});

describe('SNS filter policies on the message body', () => {
  test('nested keys, numbers and arrays in the body', () => {
    const policy = { ride: { fare: [{ numeric: ['>', 100] }], tags: ['night'] } };
    assert.equal(body(policy, { ride: { fare: 150, tags: ['night', 'airport'] } }), true);
    assert.equal(body(policy, { ride: { fare: 50, tags: ['night'] } }), false);
    assert.equal(body(policy, 'not json'), false);
  });

  test('exists: false matches a missing nested field', () => {
    assert.equal(body({ ride: { promo: [{ exists: false }] } }, { ride: { fare: 1 } }), true);
    assert.equal(body({ ride: { promo: [{ exists: false }] } }, {}), true);
  });

  test('booleans and null compare exactly', () => {
    assert.equal(body({ paid: [true] }, { paid: true }), true);
    assert.equal(body({ paid: [true] }, { paid: 'true' }), false);
    assert.equal(body({ coupon: [null] }, { coupon: null }), true);
  });
});

describe('SNS filter policy validation', () => {
  const refuses = (policy: unknown, pattern: RegExp, scope: 'MessageAttributes' | 'MessageBody' = 'MessageAttributes') =>
    assert.throws(
      () => parseSnsFilterPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), scope),
      (error: Error) => error instanceof FilterPatternError && pattern.test(error.message),
    );

  test('refuses malformed policies with the reason', () => {
    refuses('{not json', /not valid JSON/);
    refuses({ fare: [{ numeric: ['>=', 'fifty'] }] }, /Value of >= must be numeric/);
    refuses({ fare: [{ numeric: ['>', 10, '<', 5] }] }, /Bottom must be less than top/);
    refuses({ fare: [{ numeric: ['~', 10] }] }, /Unrecognized numeric range operator/);
    refuses({ fare: [{ between: [1, 2] }] }, /Unrecognized match type between/);
    refuses({ city: [{ wildcard: 'B*' }] }, /Unrecognized match type wildcard/);
    refuses({ fare: [] }, /Empty arrays are not allowed/);
    refuses({ fare: 5 }, /must be an array or an object/);
    refuses({ promo: [{ exists: 'yes' }] }, /exists match pattern must be either true or false/);
    refuses({ fare: [{ numeric: ['>', 2e9] }] }, /between -1.0E9 and 1.0E9/);
  });

  test("enforces SNS's limits", () => {
    refuses({ a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }, /more than 5 keys/);
    refuses({ a: Array.from({ length: 13 }, (_, i) => i), b: Array.from({ length: 12 }, (_, i) => i) }, /too complex: 156/);
    refuses({ ride: { fare: [1] } }, /does not support nested/);
    assert.doesNotThrow(() => parseSnsFilterPolicy(JSON.stringify({ ride: { fare: [1] } }), 'MessageBody'));
  });
});
