import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SqsEvent } from './lambda-events.ts';
import { parseRideEvent, type RideEvent } from './ride-event.ts';

// Clients are created once per execution environment and reused by every invocation. No
// endpoint here: the environment decides (AWS, or the local cloud through AWS_ENDPOINT_URL).
const dynamodb = new DynamoDBClient({});
const sqs = new SQSClient({});

/** A ride event the ledger cannot read. Lambda leaves its message on the queue to be retried. */
export class InvalidRideEventError extends Error {
  override name = 'InvalidRideEventError';
}

type Outcome = 'applied' | 'already-applied' | 'failed';

/** One line of a ride's delivery log, as a DynamoDB map. */
function deliveryEntry(entry: {
  messageId: string;
  receiveCount: number;
  outcome: Outcome;
  seq?: number;
  type?: string;
  eventId?: string;
  reason?: string;
}) {
  const fields: Record<string, { S: string } | { N: string }> = {
    messageId: { S: entry.messageId },
    receiveCount: { N: String(entry.receiveCount) },
    outcome: { S: entry.outcome },
    at: { S: new Date().toISOString() },
  };
  if (entry.seq !== undefined) fields.seq = { N: String(entry.seq) };
  if (entry.type) fields.type = { S: entry.type };
  if (entry.eventId) fields.eventId = { S: entry.eventId };
  if (entry.reason) fields.reason = { S: entry.reason };
  return { ':none': { L: [] }, ':entry': { L: [{ M: fields }] } };
}

const APPEND_DELIVERY = 'deliveries = list_append(if_not_exists(deliveries, :none), :entry)';

/**
 * Appends one line to the ride's delivery log: every delivery the ledger got, in the order it got
 * them, whatever it did with it. The log is what you read to see FIFO order and deduplication.
 */
async function logDelivery(rideId: string, entry: Parameters<typeof deliveryEntry>[0]): Promise<void> {
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { rideId: { S: rideId } },
      UpdateExpression: `SET ${APPEND_DELIVERY}`,
      ExpressionAttributeValues: deliveryEntry(entry),
    }),
  );
}

/**
 * Moves the ride to the event's step and logs the delivery, in one write, unless the ledger
 * already applied this event or a later one: then a redelivered message (the 5-minute
 * deduplication window is over, or the function failed after this write) changes nothing, and
 * only its delivery is logged.
 */
async function apply(event: RideEvent, delivery: { messageId: string; receiveCount: number }): Promise<Outcome> {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { rideId: { S: event.rideId } },
        UpdateExpression: `SET rideStatus = :type, lastSeq = :seq, unicorn = :unicorn, ${APPEND_DELIVERY}`,
        ConditionExpression: 'attribute_not_exists(lastSeq) OR lastSeq < :seq',
        ExpressionAttributeValues: {
          ':type': { S: event.type },
          ':seq': { N: String(event.seq) },
          ':unicorn': { S: event.unicorn },
          ...deliveryEntry({ ...delivery, outcome: 'applied', seq: event.seq, type: event.type, eventId: event.eventId }),
        },
      }),
    );
    return 'applied';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    await logDelivery(event.rideId, { ...delivery, outcome: 'already-applied', seq: event.seq, type: event.type, eventId: event.eventId });
    return 'already-applied';
  }
}

/**
 * The Ride Ledger Service: reads ride events from the FIFO queue, one message at a time (batch
 * size 1), and keeps each ride's status. SQS FIFO hands it the events of one ride in order, one
 * at a time; events of different rides arrive interleaved, and in parallel.
 *
 * A message it cannot read fails the invocation. Lambda then leaves it on the queue, and the
 * whole ride waits behind it (head-of-line blocking) while other rides go on. Instead of waiting
 * out the queue's visibility timeout, the handler makes the message visible again at once, so
 * the retries come quickly; after maxReceiveCount receives, SQS moves it to the dead-letter
 * queue and the ride moves on.
 */
export const handler = async (event: SqsEvent): Promise<void> => {
  for (const record of event.Records) {
    const rideId = record.attributes.MessageGroupId ?? 'unknown-ride';
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? 1);
    const parsed = parseRideEvent(record.body);
    if (typeof parsed === 'string') {
      await logDelivery(rideId, { messageId: record.messageId, receiveCount, outcome: 'failed', reason: parsed });
      console.log(
        JSON.stringify({
          service: 'RideLedgerService',
          action: 'failed',
          rideId,
          messageId: record.messageId,
          receiveCount,
          reason: parsed,
        }),
      );
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: process.env.QUEUE_URL, ReceiptHandle: record.receiptHandle, VisibilityTimeout: 0 }),
      );
      throw new InvalidRideEventError(`Message ${record.messageId} of ride ${rideId} is not a ride event: ${parsed}`);
    }
    const outcome = await apply(parsed, { messageId: record.messageId, receiveCount });
    console.log(JSON.stringify({ service: 'RideLedgerService', action: outcome, rideId, seq: parsed.seq, type: parsed.type }));
  }
};
