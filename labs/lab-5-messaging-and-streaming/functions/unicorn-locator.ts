import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { KinesisEvent } from './lambda-events.ts';
import { type Ping, parsePing } from './telemetry.ts';

const dynamodb = new DynamoDBClient({});

/**
 * The Unicorn Locator: keeps where each unicorn was last seen, for the Wild Rydes map. It reads
 * the same stream as the Unicorn Distance Service, through its own event source mapping: its own
 * position in each shard, its own batch size, its own pace. Neither reader knows the other.
 *
 * A shard's records arrive in order, so the last ping of a unicorn in a batch is its newest
 * position. A record that is not a ping is logged and skipped: for a map, a missed fix is no
 * loss, so this reader does not hold its shard up for it.
 */
export const handler = async (event: KinesisEvent): Promise<void> => {
  const latest = new Map<string, { ping: Ping; sequenceNumber: string }>();
  for (const record of event.Records) {
    const parsed = parsePing(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    if (typeof parsed === 'string') {
      console.log(
        JSON.stringify({
          service: 'UnicornLocator',
          action: 'skipped-malformed',
          sequenceNumber: record.kinesis.sequenceNumber,
          reason: parsed,
        }),
      );
      continue;
    }
    latest.set(parsed.unicorn, { ping: parsed, sequenceNumber: record.kinesis.sequenceNumber });
  }
  for (const [unicorn, { ping, sequenceNumber }] of latest) {
    await dynamodb.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          unicorn: { S: unicorn },
          lat: { N: String(ping.lat) },
          lng: { N: String(ping.lng) },
          seenAt: { S: ping.at },
          lastSequence: { S: sequenceNumber },
        },
      }),
    );
  }
  console.log(JSON.stringify({ service: 'UnicornLocator', action: 'located', unicorns: [...latest.keys()] }));
};
