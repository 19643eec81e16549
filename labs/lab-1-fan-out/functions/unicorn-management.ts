import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult, LambdaContext, Ride } from './events.ts';
import { parseRide, publishRide, storeRide } from './rides.ts';

// Clients are created once per execution environment and reused by every invocation. No
// endpoint here: the environment decides (AWS, or the local cloud through AWS_ENDPOINT_URL).
const dynamodb = new DynamoDBClient({});
const sns = new SNSClient({});
const eventBridge = new EventBridgeClient({});

const answer = (statusCode: number, body: unknown): ApiGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Reads the request body as JSON, or undefined when it is not JSON. */
function jsonBody(event: ApiGatewayProxyEvent): unknown {
  const text = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

/** POST /submit-ride-completion: stores the ride, then publishes it to the topic (once there is one). */
export const handler = async (event: ApiGatewayProxyEvent, context: LambdaContext): Promise<ApiGatewayProxyResult> => {
  const parsed = parseRide(jsonBody(event));
  if (typeof parsed === 'string') return answer(400, { message: parsed });
  const ride: Ride = { id: randomUUID(), ...parsed };

  await storeRide(dynamodb, process.env.TABLE_NAME!, ride);

  const topicArn = process.env.TOPIC_ARN;
  if (topicArn) {
    // publishRide sends the fare and distance as message attributes: filter policies match on them.
    const messageId = await publishRide(sns, topicArn, ride);
    console.log(JSON.stringify({ service: 'UnicornManagementService', action: 'published-ride', rideId: ride.id, messageId }));
  } else {
    console.log(
      JSON.stringify({
        service: 'UnicornManagementService',
        action: 'stored-ride',
        rideId: ride.id,
        note: 'TOPIC_ARN is not set: not publishing yet',
      }),
    );
  }
  // The bonus step: the same ride as an event on an EventBridge bus, for rules to route. The
  // event names this function as its resource, so that a rule on a bus shared by several
  // learners can match this publisher's rides and nobody else's.
  const busName = process.env.EVENT_BUS_NAME;
  if (busName) {
    const { FailedEntryCount } = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: 'wildrydes.unicorn-management',
            DetailType: 'RideCompleted',
            Resources: [context.invokedFunctionArn],
            Detail: JSON.stringify(ride),
          },
        ],
      }),
    );
    if (FailedEntryCount) console.log(JSON.stringify({ service: 'UnicornManagementService', action: 'put-event-failed', rideId: ride.id }));
  }
  return answer(201, { id: ride.id });
};
