import { optionalOutput, print } from '../../kit/index.ts';
import { describePath, fareItem, newFare, runFare, takeFareMessages } from '../saga.ts';

// Which queue a state of the saga leaves its message in, and whether a consumer takes it.
const MESSAGES = {
  NotifySuccess: { queue: 'SuccessfulTransactionsQueueUrl', keep: false },
  NotifyFailure: { queue: 'FailedTransactionsQueueUrl', keep: false },
  ParkFailedRefund: { queue: 'FailedRefundsQueueUrl', keep: true },
} as const;

/**
 * Processes one fare through the saga and shows what happened: the states it went through, the
 * fare in the Fares table, and the messages it left in the queues. `customerId` picks the path:
 * `3` is a good fare; `3_fail_auth`, `3_fail_charge`, `3_fail_credit` and `3_fail_refund` fail
 * on purpose.
 */
export async function processFare(customerId: string): Promise<void> {
  const fare = newFare(customerId);
  print(`Fare ${fare.fareId}: customer ${fare.customerId}, ${fare.fareAmount} on card •••• ${fare.cc.slice(-4)}`);
  const outcome = await runFare(fare);
  for (const [i, line] of describePath(outcome.history).entries()) print(`  ${i + 1}. ${line}`);
  if (outcome.waitingIn)
    print(`Execution RUNNING: ${outcome.waitingIn} waits for a human to answer its task token (run "Settle the parked refunds").`);
  else print(`Execution ${outcome.status}${outcome.error ? ` with ${outcome.error}` : ''} in ${outcome.durationMs} ms.`);

  const item = await fareItem(fare.fareId).catch(() => undefined);
  print(item ? `Fares table: ${JSON.stringify(item)}` : 'Fares table: no item for this fare.');

  for (const [state, { queue, keep }] of Object.entries(MESSAGES)) {
    const queueUrl = await optionalOutput(queue);
    if (!queueUrl || !outcome.path.includes(state)) continue;
    // A consumer of the transactions queues takes its message; a parked refund stays for a human.
    const message = (await takeFareMessages(queueUrl, [fare.fareId], { keep })).get(fare.fareId);
    const attributes = Object.entries(message?.attributes ?? {}).map(([name, value]) => `${name}=${value}`);
    print(
      `${queueUrl.split('/').pop()}: ${message ? JSON.stringify(message.body) : 'no message'}${attributes.length ? `  [${attributes.join(', ')}]` : ''}`,
    );
  }
}

/** A good fare: charged, credited, COMPLETED, announced as successful. */
export default function processGoodFare(): Promise<void> {
  return processFare('3');
}
