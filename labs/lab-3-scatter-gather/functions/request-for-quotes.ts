import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { REQUEST_ROW } from './bookings.ts';
import { type ApiGatewayProxyEvent, type ApiGatewayProxyResult, answer, type CloseRequest, log, type QuoteRequest } from './events.ts';
import { parseSimulation } from './simulation.ts';

// Clients are created once per execution environment and reused by every invocation. No
// endpoint here: the environment decides (AWS, or the local cloud through AWS_ENDPOINT_URL).
const dynamodb = new DynamoDBClient({});
const sns = new SNSClient({});
const sqs = new SQSClient({});
const ssm = new SSMClient({});

const FIELDS = ['from', 'to', 'customer'] as const;

/** Reads `{"from","to","customer"}` from the request body, or says which field is wrong. */
function parseRequest(body: string | null): Omit<QuoteRequest, 'rfq-id'> | string {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body ?? '');
  } catch {
    return 'The body must be a JSON object: {"from": "...", "to": "...", "customer": "..."}.';
  }
  if (!input || typeof input !== 'object') return 'The body must be a JSON object.';
  for (const field of FIELDS) {
    if (typeof input[field] !== 'string' || input[field] === '') return `Field "${field}" must be a non-empty string.`;
  }
  return { from: input.from as string, to: input.to as string, customer: input.customer as string };
}

/** The providers' simulated behaviour for this request, read from Parameter Store (a runtime switch). */
async function simulation(): Promise<string | undefined> {
  const name = process.env.SIMULATION_PARAMETER;
  if (!name) return undefined;
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
  const modes = parseSimulation(Parameter?.Value);
  return Object.keys(modes).length > 0 ? JSON.stringify(modes) : undefined;
}

/**
 * POST /submit-instant-ride-rfq: stores the request for quotes, starts its deadline, publishes it
 * to the providers, and answers 201 {"rfq-id"} at once: the quotes arrive later.
 */
export const handler = async (event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> => {
  const parsed = parseRequest(event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
  if (typeof parsed === 'string') return answer(400, { message: parsed });
  let modes: string | undefined;
  try {
    modes = await simulation();
  } catch (error) {
    return answer(500, {
      message: `${(error as Error).message} (Parameter Store: ${process.env.SIMULATION_PARAMETER}). Fix its value, or set it to {}.`,
    });
  }
  const request: QuoteRequest = { 'rfq-id': randomUUID(), ...parsed };
  const requestedAt = new Date();
  const providers = (process.env.PROVIDERS ?? '').split(',').filter(Boolean);
  const deadlineSeconds = process.env.DEADLINE_SECONDS === undefined ? undefined : Number(process.env.DEADLINE_SECONDS);

  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        id: { S: request['rfq-id'] },
        responder: { S: REQUEST_ROW },
        from: { S: request.from },
        to: { S: request.to },
        customer: { S: request.customer },
        requestedAt: { S: requestedAt.toISOString() },
        status: { S: 'open' },
        ...(providers.length > 0 ? { providers: { SS: providers } } : {}),
        ...(deadlineSeconds === undefined
          ? {}
          : { deadlineAt: { S: new Date(requestedAt.getTime() + deadlineSeconds * 1000).toISOString() } }),
      },
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );

  // The deadline: a message to the aggregator that SQS keeps invisible for DEADLINE_SECONDS (at
  // most 900, SQS's limit). Sent before the request goes out, so no request stays open forever.
  const aggregatorQueue = process.env.AGGREGATOR_QUEUE_URL;
  if (aggregatorQueue && deadlineSeconds !== undefined) {
    const close: CloseRequest = { 'rfq-id': request['rfq-id'], reason: 'deadline' };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: aggregatorQueue,
        MessageBody: JSON.stringify(close),
        DelaySeconds: Math.min(900, Math.max(0, Math.round(deadlineSeconds))),
      }),
    );
  }

  const topicArn = process.env.TOPIC_ARN;
  if (topicArn) {
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(request),
        MessageAttributes: modes ? { simulation: { DataType: 'String', StringValue: modes } } : undefined,
      }),
    );
    log({
      service: 'RequestForQuotesService',
      action: 'published-request',
      rfqId: request['rfq-id'],
      messageId: MessageId,
      deadlineSeconds,
      simulation: modes && JSON.parse(modes),
    });
  } else {
    log({
      service: 'RequestForQuotesService',
      action: 'stored-request',
      rfqId: request['rfq-id'],
      note: 'TOPIC_ARN is not set: nobody is asked yet',
    });
  }
  return answer(201, { 'rfq-id': request['rfq-id'] });
};
