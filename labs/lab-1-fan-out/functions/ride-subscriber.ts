import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Ride, SnsEvent } from './events.ts';

const dynamodb = new DynamoDBClient({});

/**
 * Records on the ride that `action` was done, unless it already was: one conditional write,
 * so that two deliveries racing each other cannot both win. True for the first delivery only.
 */
export async function doOnce(rideId: string, action: string): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { id: { S: rideId } },
        UpdateExpression: 'SET #action = :now',
        ConditionExpression: 'attribute_not_exists(#action)',
        ExpressionAttributeNames: { '#action': action },
        ExpressionAttributeValues: { ':now': { S: new Date().toISOString() } },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The handler of a subscriber service. SNS delivers at least once, and Lambda retries a failed
 * asynchronous invocation, so the same ride can arrive twice: the handler is idempotent. It does
 * its work once per ride (`doOnce`) and logs one JSON line per delivery, which the checkpoints
 * and the page's log view read.
 *
 * If it threw, Lambda's asynchronous invocation would retry it (twice by default) and then drop
 * the event or send it to an on-failure destination; SNS's own retries are about reaching Lambda.
 */
export function rideSubscriber(service: string, action: string) {
  return async (event: SnsEvent): Promise<void> => {
    for (const record of event.Records) {
      const ride = JSON.parse(record.Sns.Message) as Ride;
      const first = await doOnce(ride.id, action);
      console.log(
        JSON.stringify({
          service,
          action: first ? action : 'skipped-duplicate',
          rideId: ride.id,
          messageId: record.Sns.MessageId,
          customer: ride.customer,
          fare: ride.fare,
          distance: ride.distance,
        }),
      );
    }
  };
}
