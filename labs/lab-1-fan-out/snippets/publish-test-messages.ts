import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { eventually, functionLogLines, output, print, quietPeriodMs, sleep, sns } from '../../kit/index.ts';
import { SAMPLE_RIDE } from '../sample-ride.ts';

const SERVICES = ['CustomerNotificationFunctionName', 'CustomerAccountingFunctionName', 'ExtraordinaryRidesFunctionName'];

/**
 * Publishes two rides straight to the topic, with the attributes filter policies match on: a
 * long, expensive one and a short, cheap one. Then shows which service received which.
 */
export default async function publishTestMessages() {
  const topicArn = await output('TopicArn');
  const rides = [
    { ...SAMPLE_RIDE, id: randomUUID(), customer: 'test-long' },
    { ...SAMPLE_RIDE, id: randomUUID(), customer: 'test-short', to: 'Potsdam', distance: 3, fare: 12 },
  ];
  for (const ride of rides) {
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
    print(`Published ride ${ride.id.slice(0, 8)} (fare ${ride.fare}, distance ${ride.distance}): message ${MessageId}`);
  }

  // Customer Notification has no filter: once it has both rides, every delivery is under way.
  const notification = await output(SERVICES[0]);
  await eventually('Customer Notification did not receive both rides', async () => {
    const received = await Promise.all(rides.map(async (ride) => (await functionLogLines(notification, ride.id)).length > 0));
    return received.every(Boolean) || undefined;
  });
  await sleep(quietPeriodMs());
  print('');
  for (const outputName of SERVICES) {
    const functionName = await output(outputName);
    const marks = await Promise.all(
      rides.map(async (ride) => ((await functionLogLines(functionName, ride.id)).length > 0 ? '✓' : '✕ filtered out')),
    );
    print(`${functionName.padEnd(40)} long ride ${marks[0].padEnd(16)} short ride ${marks[1]}`);
  }
}
