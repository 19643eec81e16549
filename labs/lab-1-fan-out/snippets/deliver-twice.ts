import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { eventually, functionLogLines, lambda, output, print } from '../../kit/index.ts';
import type { SnsEvent } from '../functions/events.ts';
import { SAMPLE_RIDE } from '../sample-ride.ts';

/**
 * Delivers one SNS message twice to the Customer Accounting Service, as SNS may (at-least-once
 * delivery), and shows from its logs what each delivery did.
 */
export default async function deliverTwice() {
  const functionName = await output('CustomerAccountingFunctionName');
  const ride = { ...SAMPLE_RIDE, id: randomUUID(), customer: 'deliver-twice' };
  const event: SnsEvent = {
    Records: [
      {
        EventSource: 'aws:sns',
        EventSubscriptionArn: 'delivered-by-the-deliver-twice-snippet',
        Sns: {
          MessageId: randomUUID(),
          TopicArn: 'delivered-by-the-deliver-twice-snippet',
          Message: JSON.stringify(ride),
          Timestamp: new Date().toISOString(),
        },
      },
    ],
  };
  for (const delivery of [1, 2]) {
    const { FunctionError } = await lambda().send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(event) }));
    if (FunctionError) throw new Error(`Delivery ${delivery} failed in ${functionName} (${FunctionError}).`);
    print(
      `Delivered message ${event.Records[0].Sns.MessageId.slice(0, 8)} (ride ${ride.id.slice(0, 8)}) to ${functionName}: delivery ${delivery}`,
    );
  }
  const lines = await eventually(`${functionName} did not log both deliveries`, async () => {
    const found = await functionLogLines(functionName, ride.id);
    return found.length >= 2 ? found : undefined;
  });
  const actions = lines.map((line) => (JSON.parse(line.slice(line.indexOf('{'))) as { action: string }).action);
  for (const [i, action] of actions.entries()) print(`  delivery ${i + 1}: ${action}`);
  const charged = actions.filter((action) => action === 'charged-customer').length;
  print(
    charged === 1
      ? 'Charged once: the second delivery found the mark of the first and did nothing.'
      : `Charged ${charged} times: the handler is not idempotent.`,
  );
}
