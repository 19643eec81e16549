import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamodb, eventually, output, probeDeadlineMs, probeId, sns, sqs } from '../../kit/index.ts';
import { RIDE_STEPS, type RideEvent, type RideStep } from '../functions/ride-event.ts';
import { type RideLedger, readLedgers } from '../ledger.ts';

/** The events of a probe ride: `steps` in order, numbered 1, 2, 3… */
export function probeRide(label: string, steps: RideStep[] = RIDE_STEPS.slice(0, 3)): RideEvent[] {
  const rideId = probeId(`probe-${label}`);
  return steps.map((type, i) => ({ rideId, seq: i + 1, type, eventId: randomUUID(), unicorn: 'Probe' }));
}

/**
 * Publishes a ride event (or any body) to the topic, in the ride's message group, with this
 * deduplication id (none: the topic hashes the body).
 */
export async function publish(rideId: string, body: string, dedupId: string | undefined): Promise<void> {
  await sns().send(
    new PublishCommand({
      TopicArn: await output('RideEventsTopicArn'),
      Message: body,
      MessageGroupId: rideId,
      MessageDeduplicationId: dedupId,
    }),
  );
}

/** Publishes each ride's events in order, all rides at once, so that their events interleave. */
export async function publishInterleaved(rides: RideEvent[][]): Promise<void> {
  await Promise.all(
    rides.map(async (events) => {
      for (const event of events) await publish(event.rideId, JSON.stringify(event), event.eventId);
    }),
  );
}

/**
 * Waits until `done` holds for the ledgers of these rides, and returns them. `deliveries` is how
 * many deliveries, one after the other, that takes at most (a retried message is several): the
 * deadline grows with it.
 */
export async function ledgersWhen(
  rideIds: string[],
  done: (ledgers: Map<string, RideLedger>) => boolean,
  failure: string,
  deliveries = 3,
): Promise<Map<string, RideLedger>> {
  return eventually(
    failure,
    async () => {
      const ledgers = await readLedgers(rideIds);
      return done(ledgers) ? ledgers : undefined;
    },
    { timeoutMs: probeDeadlineMs() * Math.max(1, Math.ceil(deliveries / 3)) },
  );
}

/** Deletes the probe rides from the ledger table. */
export async function forgetRides(rideIds: string[]): Promise<void> {
  const TableName = await output('RideLedgerTableName');
  const documents = DynamoDBDocumentClient.from(dynamodb());
  for (let i = 0; i < rideIds.length; i += 25) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: { [TableName]: rideIds.slice(i, i + 25).map((rideId) => ({ DeleteRequest: { Key: { rideId } } })) },
      }),
    );
  }
}

/**
 * Receives from a FIFO queue until the messages of `groupId` that `enough` asks for are there (or
 * the queue has nothing more), deletes those, and gives every other message back at once.
 */
export async function takeGroup(queueUrl: string, groupId: string, enough: (taken: Message[]) => boolean): Promise<Message[]> {
  const taken: Message[] = [];
  const held: Message[] = [];
  try {
    await eventually(`No message of ${groupId} arrived in ${queueUrl.split('/').pop()}`, async () => {
      const { Messages = [] } = await sqs().send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 30,
          MessageSystemAttributeNames: ['MessageGroupId'],
        }),
      );
      for (const message of Messages) {
        if (message.Attributes?.MessageGroupId !== groupId) {
          held.push(message);
          continue;
        }
        taken.push(message);
        await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      return enough(taken) ? true : undefined;
    });
  } finally {
    for (let i = 0; i < held.length; i += 10) {
      await sqs().send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: held.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }
  return taken;
}
