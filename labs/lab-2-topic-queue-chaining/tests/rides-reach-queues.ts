// A behaviour test against the deployed lab (on the local cloud, or wherever npx workshop test
// is pointed): publish a ride, then see it arrive where it should within a deadline.
// Run your tests with: npx workshop test lab-2
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { dynamodb, eventually, output, sns } from '../../kit/index.ts';
import { againstDeployedLab } from '../../kit/testing.ts';
import { SAMPLE_RIDE } from '../../lab-1-fan-out/sample-ride.ts';

test('a long, expensive ride published to the topic is handled by Extraordinary Rides within the deadline', () =>
  againstDeployedLab('lab-2', async () => {
    const ride = { ...SAMPLE_RIDE, id: randomUUID(), customer: `my-test-${randomUUID().slice(0, 8)}`, fare: 80, distance: 42 };
    await sns().send(
      new PublishCommand({
        TopicArn: await output('TopicArn'),
        Message: JSON.stringify(ride),
        MessageAttributes: {
          fare: { DataType: 'Number', StringValue: String(ride.fare) },
          distance: { DataType: 'Number', StringValue: String(ride.distance) },
        },
      }),
    );
    // Extraordinary Rides marks each ride it handled in the Rides table (recorded-extraordinary-ride).
    const item = await eventually('the ride never reached Extraordinary Rides', async () => {
      const { Item } = await dynamodb().send(
        new GetItemCommand({ TableName: await output('RidesTableName'), Key: { id: { S: ride.id } } }),
      );
      return Item?.['recorded-extraordinary-ride'] ? Item : undefined;
    });
    assert.ok(item['recorded-extraordinary-ride'].S);
  }));
