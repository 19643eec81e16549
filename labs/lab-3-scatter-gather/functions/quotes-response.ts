import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { everyoneAnswered, readBooking } from './bookings.ts';
import { type CloseRequest, log, type ProviderAnswer, type SqsBatchResponse, type SqsEvent } from './events.ts';

const dynamodb = new DynamoDBClient({});
const sqs = new SQSClient({});

/** Reads an answer from the response queue, or says what is wrong with it. */
function parseAnswer(body: string): ProviderAnswer {
  const value = JSON.parse(body) as Partial<Record<string, unknown>>;
  if (typeof value.responder !== 'string' || typeof value['rfq-id'] !== 'string')
    throw new Error('An answer needs "responder" and "rfq-id".');
  if (value.declined === true)
    return { responder: value.responder, 'rfq-id': value['rfq-id'], declined: true, reason: String(value.reason ?? 'declined') };
  if (typeof value.quote !== 'number' || !(value.quote > 0)) throw new Error('An answer needs a positive "quote", or "declined": true.');
  return { responder: value.responder, 'rfq-id': value['rfq-id'], quote: value.quote };
}

/**
 * Stores an answer as its own item (key: the request's id and the responder), once: a provider's
 * answer delivered twice is stored the first time only. True when it was new.
 */
async function store(answer: ProviderAnswer): Promise<boolean> {
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          id: { S: answer['rfq-id'] },
          responder: { S: answer.responder },
          answeredAt: { S: new Date().toISOString() },
          ...('quote' in answer ? { quote: { N: String(answer.quote) } } : { declined: { S: answer.reason } }),
        },
        ConditionExpression: 'attribute_not_exists(responder)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Once the aggregator exists (AGGREGATOR_QUEUE_URL): when every provider asked has answered or
 * declined, asks it to close the request. Sent whenever the request is complete and still open,
 * even twice: the aggregator's conditional write makes a repeated ask harmless, and asking again
 * is what recovers from a crash between storing the last answer and asking.
 */
async function askToCloseIfComplete(rfqId: string): Promise<void> {
  const queueUrl = process.env.AGGREGATOR_QUEUE_URL;
  if (!queueUrl) return;
  const { request, answers } = await readBooking(dynamodb, process.env.TABLE_NAME!, rfqId);
  if (request?.status !== 'open' || !everyoneAnswered(request, answers)) return;
  const close: CloseRequest = { 'rfq-id': rfqId, reason: 'all-answered' };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(close) }));
  log({ service: 'QuotesResponseService', action: 'asked-to-close', rfqId, answered: answers.length });
}

/**
 * The Quotes Response Service: reads the providers' answers from the response queue, in batches,
 * and stores each one in RidesBooking. A message it cannot handle is reported as a batch item
 * failure: SQS makes it visible again, and after maxReceiveCount moves it to the dead-letter queue.
 */
export const handler = async (event: SqsEvent): Promise<SqsBatchResponse> => {
  const failures: SqsBatchResponse['batchItemFailures'] = [];
  const touched = new Map<string, string[]>();
  for (const record of event.Records) {
    try {
      const answer = parseAnswer(record.body);
      const fresh = await store(answer);
      log({
        service: 'QuotesResponseService',
        action: fresh ? ('quote' in answer ? 'stored-quote' : 'stored-decline') : 'skipped-duplicate',
        rfqId: answer['rfq-id'],
        responder: answer.responder,
      });
      touched.set(answer['rfq-id'], [...(touched.get(answer['rfq-id']) ?? []), record.messageId]);
    } catch (error) {
      log({
        service: 'QuotesResponseService',
        action: 'failed',
        messageId: record.messageId,
        error: (error as Error).message,
        receiveCount: record.attributes.ApproximateReceiveCount,
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  // One completeness check per request of the batch, after all its answers are stored.
  for (const [rfqId, messageIds] of touched) {
    try {
      await askToCloseIfComplete(rfqId);
    } catch (error) {
      log({ service: 'QuotesResponseService', action: 'failed', rfqId, error: (error as Error).message });
      failures.push(...messageIds.map((itemIdentifier) => ({ itemIdentifier })));
    }
  }
  return { batchItemFailures: failures };
};
