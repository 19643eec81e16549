import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';

/**
 * The `RidesBooking` table holds each request for quotes as several items under one partition key,
 * the request's id: the request itself (sort key `responder` = `-`) and one item per provider
 * that answered (sort key: the provider's name).
 */
export const REQUEST_ROW = '-';

export interface BookingRequest {
  rfqId: string;
  from: string;
  to: string;
  customer: string;
  requestedAt: string;
  /** The providers asked: "everyone answered" means each of them answered or declined. */
  providers: string[];
  status: 'open' | 'closed';
  deadlineAt?: string;
  closedAt?: string;
  closedBy?: 'all-answered' | 'deadline';
  best?: { responder: string; quote: number } | null;
  notifiedAt?: string;
}

export interface BookingAnswer {
  responder: string;
  quote?: number;
  declined?: string;
  answeredAt: string;
}

const text = (item: Record<string, AttributeValue>, name: string) => item[name]?.S;

function requestOf(item: Record<string, AttributeValue>): BookingRequest {
  const bestResponder = text(item, 'bestResponder');
  return {
    rfqId: text(item, 'id')!,
    from: text(item, 'from') ?? '',
    to: text(item, 'to') ?? '',
    customer: text(item, 'customer') ?? '',
    requestedAt: text(item, 'requestedAt') ?? '',
    providers: item.providers?.SS ?? [],
    status: text(item, 'status') === 'closed' ? 'closed' : 'open',
    deadlineAt: text(item, 'deadlineAt'),
    closedAt: text(item, 'closedAt'),
    closedBy: text(item, 'closedBy') as BookingRequest['closedBy'],
    best:
      text(item, 'closedAt') === undefined
        ? undefined
        : bestResponder
          ? { responder: bestResponder, quote: Number(item.bestQuote?.N) }
          : null,
    notifiedAt: text(item, 'notifiedAt'),
  };
}

function answerOf(item: Record<string, AttributeValue>): BookingAnswer {
  return {
    responder: text(item, 'responder')!,
    quote: item.quote?.N === undefined ? undefined : Number(item.quote.N),
    declined: text(item, 'declined'),
    answeredAt: text(item, 'answeredAt') ?? '',
  };
}

/**
 * A request and its answers, read together (one Query on the partition key). Strongly consistent:
 * the aggregator decides on what it reads, and an answer just written must be in it.
 */
export async function readBooking(
  dynamodb: DynamoDBClient,
  tableName: string,
  rfqId: string,
): Promise<{ request?: BookingRequest; answers: BookingAnswer[] }> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': { S: rfqId } },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const request = items.find((item) => text(item, 'responder') === REQUEST_ROW);
  const answers = items.filter((item) => text(item, 'responder') !== REQUEST_ROW).map(answerOf);
  answers.sort((a, b) => a.answeredAt.localeCompare(b.answeredAt));
  return { request: request && requestOf(request), answers };
}

/** Whether every provider asked has answered or declined: only an explicit decline makes this knowable. */
export function everyoneAnswered(request: BookingRequest, answers: BookingAnswer[]): boolean {
  const answered = new Set(answers.map((a) => a.responder));
  return request.providers.every((provider) => answered.has(provider));
}

/** The lowest quote among the answers of providers that were asked (declines have none); null when nobody quoted. */
export function bestQuote(request: BookingRequest, answers: BookingAnswer[]): { responder: string; quote: number } | null {
  let best: { responder: string; quote: number } | null = null;
  for (const { responder, quote } of answers) {
    if (quote === undefined || !request.providers.includes(responder)) continue;
    // Ties go to the provider whose name sorts first, so that any two deciders pick the same one.
    if (!best || quote < best.quote || (quote === best.quote && responder < best.responder)) best = { responder, quote };
  }
  return best;
}
