import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BookingAnswer, type BookingRequest, bestQuote, everyoneAnswered } from './bookings.ts';

const request = { providers: ['A', 'B', 'C'] } as BookingRequest;
const answer = (responder: string, quote?: number): BookingAnswer => ({
  responder,
  answeredAt: '',
  ...(quote === undefined ? { declined: 'busy' } : { quote }),
});

test('everyone answered only when each provider asked has quoted or declined', () => {
  assert.equal(everyoneAnswered(request, [answer('A', 20), answer('B')]), false);
  assert.equal(everyoneAnswered(request, [answer('A', 20), answer('B'), answer('C')]), true, 'a decline counts as an answer');
  assert.equal(
    everyoneAnswered(request, [answer('A', 20), answer('B'), answer('Z', 10)]),
    false,
    'an answer from someone not asked does not',
  );
});

test('the best quote is the lowest of the providers asked; ties go to the first name; none when all declined', () => {
  assert.deepEqual(bestQuote(request, [answer('B', 19.5), answer('A', 20), answer('C')]), { responder: 'B', quote: 19.5 });
  assert.deepEqual(bestQuote(request, [answer('C', 15), answer('A', 15)]), { responder: 'A', quote: 15 });
  assert.deepEqual(bestQuote(request, [answer('Z', 1), answer('A', 15)]), { responder: 'A', quote: 15 });
  assert.equal(bestQuote(request, [answer('A'), answer('B')]), null);
});
