import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { REQUEST_ROW } from './bookings.ts';
import { log, type QuoteNotification, type SnsEvent } from './events.ts';

const dynamodb = new DynamoDBClient({});

/** Marks the request as told to its customer, unless it already was: true for the first delivery only. */
async function firstTime(rfqId: string): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { id: { S: rfqId }, responder: { S: REQUEST_ROW } },
        UpdateExpression: 'SET customerNotifiedAt = :now',
        // attribute_exists(id): never create a request that is not there.
        ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(customerNotifiedAt)',
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
 * The Quote Notification Service: tells the customer the outcome of their request (here, a
 * log line; in the app, a push notification). SNS delivers at least once, so it tells them once.
 */
export const handler = async (event: SnsEvent): Promise<void> => {
  for (const record of event.Records) {
    const notification = JSON.parse(record.Sns.Message) as QuoteNotification;
    const rfqId = notification['rfq-id'];
    const first = await firstTime(rfqId);
    const text = notification.best
      ? `Your unicorn from ${notification.from} to ${notification.to}: ${notification.best.responder} for $${notification.best.quote.toFixed(2)} (${notification.answered} of ${notification.asked} providers answered).`
      : `Sorry, no unicorn can take you from ${notification.from} to ${notification.to} right now (${notification.answered} of ${notification.asked} providers answered).`;
    log({
      service: 'QuoteNotificationService',
      action: first ? 'notified-customer' : 'skipped-duplicate',
      rfqId,
      customer: notification.customer,
      closedBy: notification.closedBy,
      text,
      messageId: record.Sns.MessageId,
    });
  }
};
