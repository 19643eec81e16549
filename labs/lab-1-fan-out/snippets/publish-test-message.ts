import { PublishCommand } from '@aws-sdk/client-sns';
import { randomUUID } from 'node:crypto';
import { output, print, sns } from '../../kit/index.ts';
import { SAMPLE_RIDE } from '../sample-ride.ts';

/** Publishes a ride straight to the topic, with the attributes filter policies match on. */
export default async function publishTestMessage() {
  const topicArn = await output('TopicArn');
  const ride = { ...SAMPLE_RIDE, id: randomUUID(), customer: 'test-message' };
  const { MessageId } = await sns().send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(ride),
      MessageAttributes: {
        fare: { DataType: 'Number', StringValue: String(ride.fare) },
        distance: { DataType: 'Number', StringValue: String(ride.distance) },
      },
    }),
  );
  print(`Published ride ${ride.id} to ${topicArn}`);
  print(`MessageId: ${MessageId}`);
}
