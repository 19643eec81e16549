import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { eventually, output, print, probeDeadlineMs, sns } from '../../kit/index.ts';
import { RIDE_STEPS, type RideEvent } from '../functions/ride-event.ts';
import { appliedSeqs, inOrder, readLedgers } from '../ledger.ts';
import { UNICORNS } from '../sample-telemetry.ts';

const RIDES = 12;

/**
 * Publishes the five events of 12 rides as one burst: each ride publishes its own events one
 * after the other, and all rides publish at the same time, so their events interleave. Then
 * shows, from the Ride Ledger, the order in which each ride's events arrived.
 */
export default async function publishRideEvents() {
  const topicArn = await output('RideEventsTopicArn');
  const burst = Date.now().toString(36);
  const rides = Array.from({ length: RIDES }, (_, i) => `ride-${burst}-${String(i + 1).padStart(2, '0')}`);
  const published: string[] = [];
  await Promise.all(
    rides.map(async (rideId, r) => {
      for (const [i, type] of RIDE_STEPS.entries()) {
        const event: RideEvent = { rideId, seq: i + 1, type, eventId: randomUUID(), unicorn: UNICORNS[r % UNICORNS.length].name };
        await sns().send(
          new PublishCommand({
            TopicArn: topicArn,
            Message: JSON.stringify(event),
            MessageGroupId: rideId, // order is kept per group: per ride
            MessageDeduplicationId: event.eventId, // the same id within 5 minutes is one message
          }),
        );
        published.push(`${rideId.slice(-2)}#${event.seq}`);
      }
    }),
  );
  print(`Published ${published.length} events of ${RIDES} rides (ride#event), in this order:`);
  print(`  ${published.join(' ')}`);

  const ledgers = await eventually(
    'The Ride Ledger did not apply every event of the burst (is its event source mapping there?)',
    async () => {
      const found = await readLedgers(rides);
      return rides.every((rideId) => appliedSeqs(found.get(rideId)).length >= RIDE_STEPS.length) ? found : undefined;
    },
    { timeoutMs: probeDeadlineMs() * 3 }, // each ride's five events go through the ledger one after the other
  );
  const arrivals = rides
    .flatMap((rideId) => ledgers.get(rideId)!.deliveries.map((d) => ({ rideId, ...d })))
    .sort((a, b) => a.at.localeCompare(b.at));
  print('');
  print('The ledger received them in this order (across rides, interleaved):');
  print(`  ${arrivals.map((a) => `${a.rideId.slice(-2)}#${a.seq}`).join(' ')}`);
  print('');
  print('Per ride (message group), in the order received:');
  for (const rideId of rides) {
    const seqs = appliedSeqs(ledgers.get(rideId));
    print(`  ${rideId}  ${seqs.join(' → ')}  ${inOrder(seqs) ? '✓ in order' : '✗ OUT OF ORDER'}`);
  }
}
