import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { eventually, output, print, probeDeadlineMs, sns, sqs } from '../../kit/index.ts';
import { RIDE_STEPS, type RideEvent } from '../functions/ride-event.ts';
import { appliedSeqs, readLedgers } from '../ledger.ts';

/**
 * Publishes three rides at once; the second event of the first ride is cut short, so the Ride
 * Ledger cannot read it. Shows that ride waiting behind its bad message (head-of-line blocking)
 * while the two others finish, until the message reaches the FIFO dead-letter queue.
 */
export default async function poisonARide() {
  const topicArn = await output('RideEventsTopicArn');
  const run = Date.now().toString(36);
  const [poisoned, ...healthy] = ['poisoned', 'healthy-a', 'healthy-b'].map((name) => `ride-${run}-${name}`);
  const publish = (rideId: string, body: string) =>
    sns().send(new PublishCommand({ TopicArn: topicArn, Message: body, MessageGroupId: rideId, MessageDeduplicationId: randomUUID() }));
  await Promise.all(
    [poisoned, ...healthy].map(async (rideId) => {
      for (const [i, type] of RIDE_STEPS.entries()) {
        const event: RideEvent = { rideId, seq: i + 1, type, eventId: randomUUID(), unicorn: 'Rocinante' };
        const body = JSON.stringify(event);
        // A truncated message: what a publisher with a bug might send.
        await publish(rideId, rideId === poisoned && event.seq === 2 ? body.slice(0, 40) : body);
      }
    }),
  );
  print(`Published ${RIDE_STEPS.length} events for each of ${poisoned}, ${healthy.join(', ')}; event #2 of ${poisoned} is malformed.`);

  const ledgers = await eventually(
    `${poisoned} did not get past its malformed event (is there a dead-letter queue with maxReceiveCount?)`,
    async () => {
      const found = await readLedgers([poisoned, ...healthy]);
      return [poisoned, ...healthy].every((rideId) => (found.get(rideId)?.lastSeq ?? 0) === RIDE_STEPS.length) ? found : undefined;
    },
    { timeoutMs: probeDeadlineMs() * 3 }, // three failed receives in a row before the ride goes on
  );
  print('');
  for (const rideId of [poisoned, ...healthy]) {
    print(`${rideId}, in the order the ledger received its messages:`);
    for (const d of ledgers.get(rideId)!.deliveries) {
      print(
        d.outcome === 'failed'
          ? `  ✗ receive ${d.receiveCount}: failed (${d.reason}) at ${d.at.slice(11, 23)}`
          : `  ✓ #${d.seq} ${d.type} at ${d.at.slice(11, 23)}`,
      );
    }
  }
  const failures = ledgers.get(poisoned)!.deliveries.filter((d) => d.outcome === 'failed').length;
  print('');
  print(
    `${poisoned} waited behind its malformed event through ${failures} failed receives, then SQS moved it to the dead-letter queue and the ride went on with #3.`,
  );
  print(
    `The other rides never waited for it: ${healthy.map((rideId) => `${rideId} applied ${appliedSeqs(ledgers.get(rideId)).join(', ')}`).join('; ')}.`,
  );

  const { Messages = [] } = await sqs().send(
    // A look without taking the messages: visible again at once.
    new ReceiveMessageCommand({
      QueueUrl: await output('RideLedgerDLQUrl'),
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      MessageSystemAttributeNames: ['MessageGroupId'],
    }),
  );
  print('');
  print('In the FIFO dead-letter queue (RideLedgerDLQ.fifo):');
  for (const message of Messages) print(`  group ${message.Attributes?.MessageGroupId}: ${message.Body}`);
}
