import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readBooking } from './bookings.ts';
import { type ApiGatewayProxyEvent, type ApiGatewayProxyResult, answer } from './events.ts';

const dynamodb = new DynamoDBClient({});

/**
 * GET /query-instant-ride-rfq/{id}: the request with the quotes that have arrived so far, the
 * providers that declined, and those still awaited; once closed, the best quote and why it closed.
 * A quote that arrived after the request closed is marked `late`.
 */
export const handler = async (event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> => {
  const rfqId = event.pathParameters?.id;
  if (!rfqId) return answer(400, { message: 'The path needs the request id: /query-instant-ride-rfq/{id}.' });
  const { request, answers } = await readBooking(dynamodb, process.env.TABLE_NAME!, rfqId);
  if (!request) return answer(404, { message: `There is no request for quotes ${rfqId}.` });
  const late = (answeredAt: string) => (request.closedAt !== undefined && answeredAt > request.closedAt ? { late: true } : {});
  const answered = new Set(answers.map((a) => a.responder));
  return answer(200, {
    'rfq-id': request.rfqId,
    from: request.from,
    to: request.to,
    customer: request.customer,
    requestedAt: request.requestedAt,
    status: request.status,
    ...(request.deadlineAt ? { deadlineAt: request.deadlineAt } : {}),
    quotes: answers.filter((a) => a.quote !== undefined).map((a) => ({ responder: a.responder, quote: a.quote, ...late(a.answeredAt) })),
    declined: answers
      .filter((a) => a.declined !== undefined)
      .map((a) => ({ responder: a.responder, reason: a.declined, ...late(a.answeredAt) })),
    waitingFor: request.providers.filter((provider) => !answered.has(provider)),
    ...(request.status === 'closed' ? { closedAt: request.closedAt, closedBy: request.closedBy, best: request.best ?? null } : {}),
  });
};
