// A unit test of a consumer's handler: fed a sample SQS event, with the AWS SDK mocked, so it
// runs in milliseconds without any cloud. Run your tests with: npx workshop test lab-2
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { sampleSqsEvent } from '../../kit/testing.ts';
import { SAMPLE_RIDE } from '../../lab-1-fan-out/sample-ride.ts';
import { handler } from '../functions/customer-accounting.ts';

// Every DynamoDBClient and SQSClient the handler made answers from these mocks instead of AWS.
const dynamodb = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
process.env.TABLE_NAME = 'Rides';

beforeEach(() => {
  dynamodb.reset().on(UpdateItemCommand).resolves({});
  sqs
    .reset()
    .on(GetQueueUrlCommand)
    .resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/SampleQueue' })
    .on(ChangeMessageVisibilityCommand)
    .resolves({});
});

const ride = (id: string) => JSON.stringify({ ...SAMPLE_RIDE, id });

test('in a batch with one bad message, only that message is reported failed; the others are charged', async () => {
  const event = sampleSqsEvent([
    { body: ride('ride-1') },
    { body: 'this is not a ride', messageId: 'the-bad-one' },
    { body: ride('ride-2') },
  ]);

  const result = await handler(event);

  assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'the-bad-one' }] });
  const charged = dynamodb.commandCalls(UpdateItemCommand).map((call) => call.args[0].input.Key?.id.S);
  assert.deepEqual(charged, ['ride-1', 'ride-2']);
});
