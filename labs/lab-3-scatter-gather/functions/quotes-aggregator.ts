import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { type BookingRequest, bestQuote, REQUEST_ROW, readBooking } from './bookings.ts';
import { type CloseRequest, log, type QuoteNotification, type SqsBatchResponse, type SqsEvent } from './events.ts';

const dynamodb = new DynamoDBClient({});
const sns = new SNSClient({});

/**
 * Closes the request, if nobody did: ONE conditional write decides. Two closers can race (the
 * last answers and the deadline; the same ask delivered twice); DynamoDB applies the condition
 * and the update atomically, so exactly one of them wins and the others fail the condition.
 * The message that won may come back (the function failed before notifying): its own message id
 * lets it finish what it started, once.
 */
async function close(
  request: BookingRequest,
  reason: CloseRequest['reason'],
  best: QuoteNotification['best'],
  answered: number,
  messageId: string,
): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { id: { S: request.rfqId }, responder: { S: REQUEST_ROW } },
        UpdateExpression: best
          ? 'SET #status = :closed, closedAt = :now, closedBy = :reason, answeredAtClose = :answered, closedByMessage = :message, bestResponder = :responder, bestQuote = :quote'
          : 'SET #status = :closed, closedAt = :now, closedBy = :reason, answeredAtClose = :answered, closedByMessage = :message REMOVE bestResponder, bestQuote',
        ConditionExpression: '#status = :open OR (closedByMessage = :message AND attribute_not_exists(notifiedAt))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':open': { S: 'open' },
          ':closed': { S: 'closed' },
          ':now': { S: new Date().toISOString() },
          ':reason': { S: reason },
          ':answered': { N: String(answered) },
          ':message': { S: messageId },
          ...(best ? { ':responder': { S: best.responder }, ':quote': { N: String(best.quote) } } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Tells the customer, then records that it did (so the winning message, if it comes back, stops here). */
async function notify(request: BookingRequest, notification: QuoteNotification): Promise<void> {
  await sns.send(new PublishCommand({ TopicArn: process.env.NOTIFICATION_TOPIC_ARN, Message: JSON.stringify(notification) }));
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { id: { S: request.rfqId }, responder: { S: REQUEST_ROW } },
      UpdateExpression: 'SET notifiedAt = :now',
      ExpressionAttributeValues: { ':now': { S: new Date().toISOString() } },
    }),
  );
}

/** Handles one ask to close: everyone answered, or the deadline passed. */
async function handle(ask: CloseRequest, messageId: string): Promise<void> {
  const rfqId = ask['rfq-id'];
  const { request, answers } = await readBooking(dynamodb, process.env.TABLE_NAME!, rfqId);
  if (!request) {
    log({ service: 'QuotesAggregator', action: 'unknown-request', rfqId, reason: ask.reason });
    return;
  }
  const answered = answers.filter((a) => request.providers.includes(a.responder)).length;
  const best = bestQuote(request, answers);
  if (!(await close(request, ask.reason, best, answered, messageId))) {
    log({ service: 'QuotesAggregator', action: 'already-closed', rfqId, reason: ask.reason });
    return;
  }
  log({
    service: 'QuotesAggregator',
    action: 'closed-request',
    rfqId,
    reason: ask.reason,
    answered,
    asked: request.providers.length,
    best,
  });
  await notify(request, {
    'rfq-id': rfqId,
    customer: request.customer,
    from: request.from,
    to: request.to,
    best,
    closedBy: ask.reason,
    answered,
    asked: request.providers.length,
  });
}

/**
 * The Quotes Aggregator: closes each request for quotes once, when every provider has answered
 * or declined (asked by the Quotes Response Service), or when its deadline passes (a message the
 * Request for Quotes Service delayed by the deadline); picks the lowest quote among the answers
 * that arrived, and notifies the customer.
 */
export const handler = async (event: SqsEvent): Promise<SqsBatchResponse> => {
  const failures: SqsBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await handle(JSON.parse(record.body) as CloseRequest, record.messageId);
    } catch (error) {
      log({ service: 'QuotesAggregator', action: 'failed', messageId: record.messageId, error: (error as Error).message });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
