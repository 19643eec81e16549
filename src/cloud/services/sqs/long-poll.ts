/**
 * A long poll as SQS answers it: with messages as soon as there are some for this request, and
 * empty only once its wait time is over.
 *
 * fauxqs wakes every waiting receive when a message arrives, and those that find it already taken
 * answer empty at once. Such an early empty answer makes a consumer poll again sooner than on AWS
 * (each poll a billed request), and restarts an event source mapping's batching window whenever
 * another poller got a message. So an empty receive waits again, for the time it has left.
 *
 * `receive()` makes the receive as asked; `receive(wait)` one that waits up to `wait` seconds (a
 * fraction). `waitSeconds()`, asked only once a receive came back empty, is how long the request
 * waits: its WaitTimeSeconds, or the queue's ReceiveMessageWaitTimeSeconds. Once `stopWaiting()`
 * says so, an empty answer is given as it is.
 */
export async function longPoll<Answer>(
  receive: (waitSeconds?: number) => Promise<Answer>,
  isEmpty: (answer: Answer) => boolean,
  waitSeconds: () => number | Promise<number>,
  stopWaiting: () => boolean = () => false,
): Promise<Answer> {
  const started = Date.now();
  let answer = await receive();
  if (!isEmpty(answer)) return answer;
  const until = started + (await waitSeconds()) * 1000;
  // Within a few milliseconds of the end, the wait is over: that much is the timers' rounding.
  for (let left = until - Date.now(); left > 5 && !stopWaiting(); left = until - Date.now()) {
    answer = await receive(left / 1000);
    if (!isEmpty(answer)) return answer;
  }
  return answer;
}
