import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { KinesisEvent } from './lambda-events.ts';
import { isAfter, MalformedPingError, metersBetween, type Ping, parsePing } from './telemetry.ts';

const dynamodb = new DynamoDBClient({});

/** What the table keeps per unicorn: the distance so far, and where the last applied ping left it. */
interface Tally {
  unicorn: string;
  meters: number;
  pings: number;
  lastSequence?: string;
  last?: { lat: number; lng: number };
}

async function readTally(unicorn: string): Promise<Tally> {
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { unicorn: { S: unicorn } }, ConsistentRead: true }),
  );
  if (!Item) return { unicorn, meters: 0, pings: 0 };
  return {
    unicorn,
    meters: Number(Item.meters.N),
    pings: Number(Item.pings.N),
    lastSequence: Item.lastSequence.S,
    last: { lat: Number(Item.lastLat.N), lng: Number(Item.lastLng.N) },
  };
}

/**
 * Writes the new tally only if nobody wrote since it was read (the sequence number it was read
 * with is still there): a retried or replayed batch can never add the same leg twice.
 */
async function writeTally(tally: Tally, readAt: string | undefined): Promise<void> {
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        unicorn: { S: tally.unicorn },
        meters: { N: tally.meters.toFixed(3) },
        pings: { N: String(tally.pings) },
        lastSequence: { S: tally.lastSequence! },
        lastLat: { N: String(tally.last!.lat) },
        lastLng: { N: String(tally.last!.lng) },
        updatedAt: { S: new Date().toISOString() },
      },
      ConditionExpression: readAt === undefined ? 'attribute_not_exists(unicorn)' : 'lastSequence = :readAt',
      ExpressionAttributeValues: readAt === undefined ? undefined : { ':readAt': { S: readAt } },
    }),
  );
}

/**
 * The Unicorn Distance Service: adds up how far each unicorn went, from its location pings on
 * the telemetry stream. A shard's records arrive in order, and all pings of one unicorn are in
 * one shard (the unicorn is the partition key), so each leg is the distance between a ping and
 * the one before it.
 *
 * Batches can arrive more than once (a retry after an error, a bisected batch, a replay), so the
 * table remembers the sequence number of the last ping it applied per unicorn and skips anything
 * at or before it: the result is the same however often a record is read.
 *
 * A malformed record fails the batch after the pings before it are applied. With
 * BisectBatchOnFunctionError the mapping splits the batch until the bad record is alone, retries
 * it MaximumRetryAttempts times and sends a description of it to the on-failure destination.
 */
export const handler = async (event: KinesisEvent): Promise<void> => {
  const pings: { ping: Ping; sequenceNumber: string }[] = [];
  let malformed: { sequenceNumber: string; reason: string } | undefined;
  for (const record of event.Records) {
    const parsed = parsePing(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    if (typeof parsed === 'string') {
      malformed = { sequenceNumber: record.kinesis.sequenceNumber, reason: parsed };
      break;
    }
    pings.push({ ping: parsed, sequenceNumber: record.kinesis.sequenceNumber });
  }

  const unicorns = [...new Set(pings.map(({ ping }) => ping.unicorn))];
  for (const unicorn of unicorns) {
    const tally = await readTally(unicorn);
    const readAt = tally.lastSequence;
    let skipped = 0;
    for (const { ping, sequenceNumber } of pings.filter(({ ping }) => ping.unicorn === unicorn)) {
      if (!isAfter(sequenceNumber, tally.lastSequence)) {
        skipped++;
        continue;
      }
      if (tally.last) tally.meters += metersBetween(tally.last, ping);
      tally.last = { lat: ping.lat, lng: ping.lng };
      tally.lastSequence = sequenceNumber;
      tally.pings++;
    }
    if (tally.lastSequence === readAt) {
      console.log(JSON.stringify({ service: 'UnicornDistanceService', action: 'already-applied', unicorn, skipped }));
      continue;
    }
    try {
      await writeTally(tally, readAt);
    } catch (error) {
      // Another reader of this table wrote in between: fail the batch, and its retry starts over.
      if (error instanceof ConditionalCheckFailedException)
        throw new Error(`The tally of ${unicorn} changed while this batch was applied; retrying.`);
      throw error;
    }
    console.log(
      JSON.stringify({
        service: 'UnicornDistanceService',
        action: 'applied',
        unicorn,
        meters: Math.round(tally.meters),
        pings: tally.pings,
        skipped,
      }),
    );
  }

  if (malformed) {
    console.log(
      JSON.stringify({ service: 'UnicornDistanceService', action: 'malformed-record', ...malformed, batchSize: event.Records.length }),
    );
    throw new MalformedPingError(`Record ${malformed.sequenceNumber} is not a ping: ${malformed.reason}`);
  }
};
