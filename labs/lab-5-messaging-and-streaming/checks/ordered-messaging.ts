import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { type Checkpoint, check, lambda, output, quietPeriodMs, sleep, sns } from '../../kit/index.ts';
import { appliedSeqs, inOrder, type RideLedger } from '../ledger.ts';
import { forgetRides, ledgersWhen, probeRide, publish, publishInterleaved, takeGroup } from './ride-probes.ts';
import { enabledMapping, findResource, named, queueAttributes } from './stack-resources.ts';

const topic = () => findResource('AWS::SNS::Topic', named('RideEvents.fifo'), 'SNS topic');
const ledgerQueue = () => findResource('AWS::SQS::Queue', named('RideLedgerQueue.fifo'), 'queue');
const receiptsQueue = () => findResource('AWS::SQS::Queue', named('RideReceiptsQueue.fifo'), 'queue');
const failedDeliveries = (ledger: RideLedger | undefined) => (ledger?.deliveries ?? []).filter((d) => d.outcome === 'failed');

/** The topic's subscription that delivers to the queue with this URL. */
async function subscriptionOf(topicArn: string, queueUrl: string) {
  const queueArn = (await queueAttributes(queueUrl)).QueueArn;
  const { Subscriptions = [] } = await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  const subscription = Subscriptions.find((s) => s.Protocol === 'sqs' && s.Endpoint === queueArn);
  check(
    subscription,
    `${queueUrl.split('/').pop()} is not subscribed to the topic (the topic has ${Subscriptions.length} subscription(s)).`,
  );
  return (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }))).Attributes ?? {};
}

/** The Ride Ledger Service's mapping on its queue, once enabled. */
const ledgerMapping = () => enabledMapping('RideLedgerServiceFunctionName', `:${named('RideLedgerQueue.fifo')}`, 'The Ride Ledger Service');

/** Fails at once, with the cause, when ride events cannot reach the ledger at all. */
async function requireLedgerPath(): Promise<void> {
  await ledgerMapping();
}

export const orderedMessagingCheckpoints: Checkpoint[] = [
  {
    id: 'fifo-topic',
    step: 1,
    title: 'RideEvents.fifo is an SNS FIFO topic with content-based deduplication',
    hint: "In stack.ts, add `new sns.Topic(this, 'RideEventsTopic', { topicName: `${props.prefix}-RideEvents.fifo`, fifo: true, contentBasedDeduplication: true })`.",
    async run() {
      const { Attributes = {} } = await sns().send(new GetTopicAttributesCommand({ TopicArn: await topic() }));
      check(Attributes.FifoTopic === 'true', 'The topic is a standard topic: set fifo: true (FIFO topics keep order per message group).');
      check(
        Attributes.ContentBasedDeduplication === 'true',
        'The topic has no content-based deduplication: set contentBasedDeduplication: true, so that a publish without MessageDeduplicationId is deduplicated by its body.',
      );
    },
  },
  {
    id: 'fifo-queues',
    step: 1,
    title: 'RideLedgerQueue.fifo and RideReceiptsQueue.fifo are FIFO queues; the ledger queue has a FIFO dead-letter queue',
    hint: "Create RideLedgerDLQ.fifo and RideLedgerQueue.fifo (and RideReceiptsQueue.fifo) with fifo: true, and give the ledger queue `deadLetterQueue: { queue: ledgerDeadLetters, maxReceiveCount: 3 }`: a FIFO queue's dead-letter queue must be FIFO too.",
    async run() {
      const ledger = await queueAttributes(await ledgerQueue());
      check(ledger.FifoQueue === 'true', 'RideLedgerQueue is not a FIFO queue.');
      check(
        ledger.RedrivePolicy,
        'RideLedgerQueue.fifo has no dead-letter queue: a message that keeps failing would block its ride for as long as the queue keeps it.',
      );
      const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(ledger.RedrivePolicy) as {
        deadLetterTargetArn: string;
        maxReceiveCount: number;
      };
      check(
        deadLetterTargetArn.endsWith(`:${named('RideLedgerDLQ.fifo')}`),
        `The dead-letter queue is ${deadLetterTargetArn.split(':').pop()}, not ${named('RideLedgerDLQ.fifo')}.`,
      );
      check(
        Number(maxReceiveCount) >= 2 && Number(maxReceiveCount) <= 5,
        `maxReceiveCount is ${maxReceiveCount}: a ride waits behind a failing message for that many receives. Keep it between 2 (one retry) and 5.`,
      );
      check((await queueAttributes(await receiptsQueue())).FifoQueue === 'true', 'RideReceiptsQueue is not a FIFO queue.');
      return `dead-letter queue after ${maxReceiveCount} receives`;
    },
  },
  {
    id: 'fifo-subscriptions',
    step: 1,
    title: 'Both queues are subscribed with raw delivery; the receipts queue gets dropped-off events only',
    hint: "Subscribe both queues with `new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true })`; the receipts one also with `filterPolicyWithMessageBody: { type: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: ['dropped-off'] })) }`.",
    async run() {
      const topicArn = await topic();
      const ledger = await subscriptionOf(topicArn, await ledgerQueue());
      const receipts = await subscriptionOf(topicArn, await receiptsQueue());
      check(
        ledger.RawMessageDelivery === 'true' && receipts.RawMessageDelivery === 'true',
        'Raw message delivery is off on a subscription: the consumers read the ride event itself, not an SNS envelope around it.',
      );
      check(!ledger.FilterPolicy, 'The ledger subscription has a filter policy: the ledger must get every ride event.');
      check(
        receipts.FilterPolicy && receipts.FilterPolicyScope === 'MessageBody',
        'The receipts subscription has no filter on the message body (filterPolicyWithMessageBody).',
      );
      check(
        JSON.stringify(JSON.parse(receipts.FilterPolicy)) === JSON.stringify({ type: ['dropped-off'] }),
        `The receipts filter is ${receipts.FilterPolicy}; expected {"type":["dropped-off"]}.`,
      );
    },
  },
  {
    id: 'ledger-reads-queue',
    step: 2,
    title: 'The Ride Ledger Service reads RideLedgerQueue.fifo one message at a time',
    hint: "In stack.ts, add `services.rideLedger.addEnvironment('QUEUE_URL', ledgerQueue.queueUrl)` and `services.rideLedger.addEventSource(new SqsEventSource(ledgerQueue, { batchSize: 1 }))`.",
    async run() {
      const queueUrl = await ledgerQueue();
      const mapping = await ledgerMapping();
      check(
        mapping.BatchSize === 1,
        `The batch size is ${mapping.BatchSize}: a failing message would fail the other rides' messages of its batch too, and send them back to the queue (and, after maxReceiveCount, to the dead-letter queue). Use batchSize: 1.`,
      );
      const { Environment } = await lambda().send(
        new GetFunctionConfigurationCommand({ FunctionName: await output('RideLedgerServiceFunctionName') }),
      );
      check(
        Environment?.Variables?.QUEUE_URL === queueUrl,
        `QUEUE_URL of the Ride Ledger Service is ${Environment?.Variables?.QUEUE_URL ?? 'not set'}, not the ledger queue's URL.`,
      );
    },
  },
  {
    id: 'order-per-ride',
    // Its rides are message groups of their own: it runs beside the other probes.
    startEarly: true,
    step: 2,
    title: 'Under an interleaved burst of 6 rides, each ride’s events arrive in order',
    hint: 'Each ride must be its own message group (MessageGroupId = ride id) on a FIFO topic and FIFO queue, and the ledger must read the queue. Run "publish-ride-events" to see the arrivals.',
    async run() {
      await requireLedgerPath();
      const rides = Array.from({ length: 6 }, (_, i) => probeRide(`burst${i}`));
      const ids = rides.map((events) => events[0].rideId);
      try {
        await publishInterleaved(rides);
        // Six rides over a handful of pollers, three events each in a row: six rounds at most.
        const ledgers = await ledgersWhen(
          ids,
          (found) => ids.every((id) => appliedSeqs(found.get(id)).length >= 3),
          'Not every event of the burst reached the Ride Ledger',
          6,
        );
        const disordered = ids.filter((id) => !inOrder(appliedSeqs(ledgers.get(id))));
        check(
          disordered.length === 0,
          `Events arrived out of order for ${disordered.map((id) => `${id} (${appliedSeqs(ledgers.get(id)).join(', ')})`).join('; ')}.`,
        );
        return `${ids.length} rides × 3 events, each ride in order`;
      } finally {
        await forgetRides(ids);
      }
    },
  },
  {
    id: 'duplicates-dropped',
    // Its rides are message groups of their own: it runs beside the other probes.
    startEarly: true,
    step: 2,
    title: 'A duplicate within the 5-minute window is delivered once (by id and by content)',
    hint: 'The topic and the queue must be FIFO, and the topic must have contentBasedDeduplication: true. Run "publish-duplicates" to see what the ledger receives.',
    async run() {
      await requireLedgerPath();
      const [requested, accepted, pickedUp] = probeRide('dedup');
      const rideId = requested.rideId;
      try {
        await publish(rideId, JSON.stringify(requested), requested.eventId);
        await publish(rideId, JSON.stringify(requested), requested.eventId);
        await publish(rideId, JSON.stringify(accepted), undefined);
        await publish(rideId, JSON.stringify(accepted), undefined);
        await publish(rideId, JSON.stringify(pickedUp), undefined);
        // A ride's messages arrive in order: a duplicate that got through would come before #3.
        const ledger = (
          await ledgersWhen([rideId], (found) => found.get(rideId)?.lastSeq === 3, `Ride ${rideId} did not reach the Ride Ledger`)
        ).get(rideId)!;
        const { deliveries } = ledger;
        const seqs = deliveries.map((d) => d.seq);
        check(
          deliveries.length === 3,
          `The ledger received ${deliveries.length} deliveries (events ${seqs.join(', ')}) for 3 distinct events published 5 times.`,
        );
        check(inOrder(appliedSeqs(ledger)), `The events arrived as ${seqs.join(', ')}.`);
        return '5 publishes, 3 deliveries';
      } finally {
        await forgetRides([rideId]);
      }
    },
  },
  {
    id: 'poison-blocks-only-its-ride',
    // Its rides are message groups of their own: it runs beside the other probes.
    startEarly: true,
    step: 2,
    title: 'A poisoned ride waits behind its bad message until the FIFO dead-letter queue; the other rides do not',
    hint: 'Give RideLedgerQueue.fifo a FIFO dead-letter queue (maxReceiveCount 3) and read it with batchSize: 1. Run "poison-a-ride" to watch it.',
    async run() {
      await requireLedgerPath();
      const poisoned = probeRide('poisoned');
      const healthy = [probeRide('healthy-a'), probeRide('healthy-b')];
      const rideId = poisoned[0].rideId;
      const ids = [rideId, ...healthy.map((events) => events[0].rideId)];
      const malformed = JSON.stringify(poisoned[1]).slice(0, 30);
      try {
        await Promise.all([
          (async () => {
            await publish(rideId, JSON.stringify(poisoned[0]), poisoned[0].eventId);
            await publish(rideId, malformed, poisoned[1].eventId);
            await publish(rideId, JSON.stringify(poisoned[2]), poisoned[2].eventId);
          })(),
          publishInterleaved(healthy),
        ]);
        // Event 1, three failed receives of the bad message, event 3: five deliveries in a row.
        const ledgers = await ledgersWhen(
          ids,
          (found) => ids.every((id) => found.get(id)?.lastSeq === 3),
          `Ride ${rideId} never got past its malformed message: is there a dead-letter queue?`,
          6,
        );
        for (const events of healthy) {
          const ledger = ledgers.get(events[0].rideId);
          check(
            failedDeliveries(ledger).length === 0,
            `Ride ${events[0].rideId} had failed deliveries although its events are fine: a batch mixed it with the poisoned ride (batchSize must be 1).`,
          );
          check(inOrder(appliedSeqs(ledger)), `Ride ${events[0].rideId} arrived as ${appliedSeqs(ledger).join(', ')}.`);
        }
        const deliveries = ledgers.get(rideId)!.deliveries;
        const outcomes = deliveries.map((d) => (d.outcome === 'failed' ? '✗' : String(d.seq)));
        check(
          /^1(✗)+3$/.test(outcomes.join('')),
          `The poisoned ride received ${outcomes.join(' ')}; expected event 1, then failed receives of the malformed message, then event 3 once the message had left.`,
        );
        const dead = await takeGroup(await output('RideLedgerDLQUrl'), rideId, (taken) => taken.length > 0);
        check(dead[0]?.Body === malformed, 'The malformed message is not the one in the dead-letter queue.');
        return `${rideId}: ${outcomes.join(' ')}; the others never waited`;
      } finally {
        await forgetRides(ids);
      }
    },
  },
  {
    id: 'receipts-filtered',
    // Its rides are message groups of their own: it runs beside the other probes.
    startEarly: true,
    step: 2,
    title: 'The receipts queue gets a ride’s dropped-off event, in its message group, and nothing else of it',
    hint: 'Subscribe RideReceiptsQueue.fifo with raw delivery and filterPolicyWithMessageBody { type: [\'dropped-off\'] }. Run "read-receipts" to see what it holds.',
    async run() {
      // Its events reach the ledger too: without a reader there, they would wait in its queue.
      await requireLedgerPath();
      const events = probeRide('receipt', ['requested', 'dropped-off', 'paid']);
      const rideId = events[0].rideId;
      const queueUrl = await receiptsQueue();
      try {
        await publishInterleaved([events]);
        const [receipt] = await takeGroup(queueUrl, rideId, (taken) => taken.length > 0);
        check(
          JSON.parse(receipt.Body!).type === 'dropped-off',
          `The first message of ${rideId} in the receipts queue is ${receipt.Body}, not its dropped-off event (is raw delivery on, and the filter on the body?).`,
        );
        await sleep(quietPeriodMs());
        const more = await takeGroup(queueUrl, rideId, () => true);
        check(
          more.length === 0,
          `The receipts queue got other events of ${rideId} too: ${more.map((m) => JSON.parse(m.Body!).type).join(', ')}.`,
        );
      } finally {
        await forgetRides([rideId]);
      }
    },
  },
];
