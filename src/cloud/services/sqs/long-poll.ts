/** What a receive brought: messages, nothing, or an error (the queue was deleted or emptied by a reset). */
export type ReceiveOutcome = 'messages' | 'empty' | 'error';

/**
 * A long poll as SQS answers it: with messages as soon as there are some for this request, and
 * empty only once its wait time is over.
 *
 * fauxqs wakes every waiting receive when a message arrives, and those that find it already taken
 * answer empty at once. Such an early empty answer makes a client poll again sooner than on AWS
 * (each poll a billed request), and restarts an event source mapping's batching window whenever
 * another poller got a message. So an empty receive waits again, for the time it has left.
 *
 * `receive()` makes the receive as asked; `receive(wait)` one that waits up to `wait` seconds (a
 * fraction). `waitSeconds()`, asked only once a receive came back empty, is how long the request
 * waits: its WaitTimeSeconds, or the queue's ReceiveMessageWaitTimeSeconds. fauxqs also lets its
 * waiting receives go when a queue is deleted, on a reset and when it stops: a wait that ends in
 * an error answers with the empty answer it had. So does one that `stopWaiting()` ends (a poller
 * switched off).
 */
export async function longPoll<Answer>(
  receive: (waitSeconds?: number) => Promise<Answer>,
  outcomeOf: (answer: Answer) => ReceiveOutcome,
  waitSeconds: () => number | Promise<number>,
  stopWaiting: () => boolean = () => false,
): Promise<Answer> {
  const started = Date.now();
  const first = await receive();
  if (outcomeOf(first) !== 'empty') return first;
  const until = started + (await waitSeconds()) * 1000;
  // Within a few milliseconds of the end, the wait is over: that much is the timers' rounding.
  for (let left = until - Date.now(); left > 5 && !stopWaiting(); left = until - Date.now()) {
    const again = await receive(left / 1000);
    const outcome = outcomeOf(again);
    if (outcome === 'messages') return again;
    if (outcome === 'error') break;
  }
  return first;
}
