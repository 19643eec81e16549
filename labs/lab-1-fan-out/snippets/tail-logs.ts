import { FilterLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { logGroupOf, logs, output, print } from '../../kit/index.ts';

const SERVICES = ['CustomerNotificationFunctionName', 'CustomerAccountingFunctionName', 'ExtraordinaryRidesFunctionName'];

/** Shows what each subscriber service logged in the last 15 minutes (CloudWatch Logs). */
export default async function tailLogs() {
  const since = Date.now() - 15 * 60_000;
  for (const outputName of SERVICES) {
    const functionName = await output(outputName);
    print(`── ${functionName}`);
    try {
      const { events = [] } = await logs().send(
        new FilterLogEventsCommand({ logGroupName: logGroupOf(functionName), startTime: since, filterPattern: '"rideId"' }),
      );
      if (events.length === 0) print('   (no rides yet)');
      for (const event of events.slice(-10)) print(`   ${event.message?.split('\t').pop()}`);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      print('   (never invoked: no log group yet)');
    }
  }
}
