import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Ride } from './events.ts';

// What every service that takes in rides shares: the Unicorn Management Service behind the API,
// and (in Lab 2) the worker that ingests partners' batch files.

const FIELDS = { from: 'string', to: 'string', customer: 'string', duration: 'number', distance: 'number', fare: 'number' } as const;

/** Reads a ride (without its id) from a JSON value, or says which field is wrong. */
export function parseRide(input: unknown): Omit<Ride, 'id'> | string {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return 'A ride must be a JSON object.';
  const fields = input as Record<string, unknown>;
  for (const [field, type] of Object.entries(FIELDS)) {
    if (typeof fields[field] !== type) return `Field "${field}" must be a ${type}.`;
  }
  const { from, to, customer, duration, distance, fare } = fields as Omit<Ride, 'id'>;
  return { from, to, customer, duration, distance, fare };
}

/** Stores a ride in the Rides table, by its id. */
export async function storeRide(dynamodb: DynamoDBClient, tableName: string, ride: Ride): Promise<void> {
  await dynamodb.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        id: { S: ride.id },
        from: { S: ride.from },
        to: { S: ride.to },
        customer: { S: ride.customer },
        duration: { N: String(ride.duration) },
        distance: { N: String(ride.distance) },
        fare: { N: String(ride.fare) },
      },
    }),
  );
}

/**
 * Publishes a completed ride to the topic: the ride as the message body, and its fare and
 * distance as Number attributes, which is what subscription filter policies match on.
 */
export async function publishRide(sns: SNSClient, topicArn: string, ride: Ride): Promise<string> {
  const { MessageId } = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(ride),
      MessageAttributes: {
        fare: { DataType: 'Number', StringValue: String(ride.fare) },
        distance: { DataType: 'Number', StringValue: String(ride.distance) },
      },
    }),
  );
  return MessageId!;
}
