import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult, LambdaContext, Ride } from './events.ts';

// Clients are created once per execution environment and reused by every invocation. No
// endpoint here: the environment decides (AWS, or the local cloud through AWS_ENDPOINT_URL).
const dynamodb = new DynamoDBClient({});
const sns = new SNSClient({});
const eventBridge = new EventBridgeClient({});

const FIELDS = { from: 'string', to: 'string', customer: 'string', duration: 'number', distance: 'number', fare: 'number' } as const;

const answer = (statusCode: number, body: unknown): ApiGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Reads a ride from the request body, or says which field is wrong. */
function parseRide(body: string | null): Omit<Ride, 'id'> | string {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body ?? '');
  } catch {
    return 'The body must be a JSON object.';
  }
  if (!input || typeof input !== 'object') return 'The body must be a JSON object.';
  for (const [field, type] of Object.entries(FIELDS)) {
    if (typeof input[field] !== type) return `Field "${field}" must be a ${type}.`;
  }
  return input as Omit<Ride, 'id'>;
}

/** POST /submit-ride-completion: stores the ride, then publishes it to the topic (once there is one). */
export const handler = async (event: ApiGatewayProxyEvent, context: LambdaContext): Promise<ApiGatewayProxyResult> => {
  const parsed = parseRide(event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
  if (typeof parsed === 'string') return answer(400, { message: parsed });
  const ride: Ride = { id: randomUUID(), ...parsed };

  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
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

  const topicArn = process.env.TOPIC_ARN;
  if (topicArn) {
    // The attributes are what subscription filter policies match on.
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
    console.log(JSON.stringify({ service: 'UnicornManagementService', action: 'published-ride', rideId: ride.id, messageId: MessageId }));
  } else {
    console.log(JSON.stringify({ service: 'UnicornManagementService', action: 'stored-ride', rideId: ride.id, note: 'TOPIC_ARN is not set: not publishing yet' }));
  }
  // The bonus step: the same ride as an event on an EventBridge bus, for rules to route. The
  // event names this function as its resource, so that a rule on a bus shared by several
  // learners can match this publisher's rides and nobody else's.
  const busName = process.env.EVENT_BUS_NAME;
  if (busName) {
    const { FailedEntryCount } = await eventBridge.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: busName, Source: 'wildrydes.unicorn-management', DetailType: 'RideCompleted', Resources: [context.invokedFunctionArn], Detail: JSON.stringify(ride) }],
      }),
    );
    if (FailedEntryCount) console.log(JSON.stringify({ service: 'UnicornManagementService', action: 'put-event-failed', rideId: ride.id }));
  }
  return answer(201, { id: ride.id });
};
