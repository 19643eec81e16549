import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, parseSimulation } from './simulation.ts';

const timing = { maxDelaySeconds: 2, slowDelaySeconds: 7 };

test('a provider answers the same request the same way every time (a duplicate delivery is harmless)', () => {
  assert.deepEqual(
    decide('rfq-1', 'UnicornManagementResource4', 'normal', timing, 'Berlin'),
    decide('rfq-1', 'UnicornManagementResource4', 'normal', timing, 'Berlin'),
  );
});

test('normal providers quote between 12 and 40 or decline now and then, within their delay', () => {
  const decisions = Array.from({ length: 600 }, (_, i) => decide(`rfq-${i}`, 'UnicornManagementResource1', 'normal', timing, 'Berlin'));
  const quotes = decisions.filter((d) => d.kind === 'quote');
  const declines = decisions.filter((d) => d.kind === 'decline');
  assert.ok(quotes.every((d) => d.quote >= 12 && d.quote < 40 && Number(d.quote.toFixed(2)) === d.quote));
  assert.ok(declines.length > 50 && declines.length < 150, `${declines.length} declines in 600`);
  const delays = new Set(decisions.map((d) => (d.kind === 'silent' ? -1 : d.delaySeconds)));
  assert.deepEqual([...delays].sort(), [0, 1, 2]);
});

test('slow providers answer after the slow delay, silent ones never, decliners always decline', () => {
  assert.deepEqual(decide('rfq', 'P', 'silent', timing, 'Berlin'), { kind: 'silent' });
  const slow = decide('rfq', 'P', 'slow', timing, 'Berlin');
  assert.equal(slow.kind === 'quote' && slow.delaySeconds, 7);
  const declined = decide('rfq', 'P', 'declines', timing, 'Berlin');
  assert.equal(declined.kind === 'decline' && declined.reason, 'no unicorn free near Berlin');
  // SQS delays a message by at most 900 seconds.
  const long = decide('rfq', 'P', 'slow', { maxDelaySeconds: 0, slowDelaySeconds: 5000 }, 'Berlin');
  assert.equal(long.kind !== 'silent' && long.delaySeconds, 900);
});

test('the switch: empty is everyone normal; anything else must be a JSON object of known modes', () => {
  assert.deepEqual(parseSimulation(undefined), {});
  assert.deepEqual(parseSimulation('{}'), {});
  assert.deepEqual(parseSimulation('{"UnicornManagementResource3":"silent"}'), { UnicornManagementResource3: 'silent' });
  assert.throws(() => parseSimulation('silent'), /not JSON/);
  assert.throws(() => parseSimulation('["x"]'), /must be a JSON object/);
  assert.throws(
    () => parseSimulation('{"UnicornManagementResource3":"asleep"}'),
    /gives UnicornManagementResource3 the mode "asleep"; modes are normal, slow, silent, declines/,
  );
});
