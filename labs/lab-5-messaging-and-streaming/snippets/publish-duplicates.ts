import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { eventually, output, print, sns } from '../../kit/index.ts';
import type { RideEvent } from '../functions/ride-event.ts';
import { readLedgers } from '../ledger.ts';

/**
 * Publishes five messages for one ride, two of them duplicates: one repeated with the same
 * MessageDeduplicationId (a publisher retrying after a timeout), one repeated byte for byte
 * without an id (content-based deduplication). Then shows what the ledger received.
 */
export default async function publishDuplicates() {
  const topicArn = await output('RideEventsTopicArn');
  const rideId = `ride-dup-${Date.now().toString(36)}`;
  const event = (seq: number, type: RideEvent['type']): RideEvent => ({ rideId, seq, type, eventId: randomUUID(), unicorn: 'Shadowfax' });
  const requested = event(1, 'requested');
  const accepted = event(2, 'accepted');
  const pickedUp = event(3, 'picked-up');
  const sends = [
    { what: 'requested, with MessageDeduplicationId', event: requested, dedupId: requested.eventId },
    { what: 'requested again, same MessageDeduplicationId (a retry)', event: requested, dedupId: requested.eventId },
    { what: 'accepted, no id: SNS hashes the body (SHA-256)', event: accepted, dedupId: undefined },
    { what: 'accepted again, the same body, no id', event: accepted, dedupId: undefined },
    { what: 'picked-up, no id, a body never sent before', event: pickedUp, dedupId: undefined },
  ];
  for (const send of sends) {
    const { SequenceNumber } = await sns().send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(send.event),
        MessageGroupId: rideId,
        MessageDeduplicationId: send.dedupId,
      }),
    );
    print(`Publish ${send.what}: accepted (sequence number ${SequenceNumber})`);
  }
  const ledger = await eventually('The Ride Ledger did not receive the events (is its event source mapping there?)', async () => {
    const found = (await readLedgers([rideId])).get(rideId);
    return found?.lastSeq === 3 ? found : undefined;
  });
  print('');
  print(`Five publishes, all accepted; the ledger of ${rideId} received ${ledger.deliveries.length}:`);
  for (const delivery of ledger.deliveries) print(`  #${delivery.seq} ${delivery.type} (message ${delivery.messageId.slice(0, 8)})`);
  print('Duplicates within the 5-minute window are accepted by SNS and never delivered.');
}
