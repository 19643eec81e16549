import { print } from '../../kit/index.ts';
import { ACCOUNTING } from '../services.ts';
import { switchConsumer, watchQueueDrain } from '../switch.ts';

/** Switches Customer Accounting on again, and watches its queue drain. */
export default async function switchConsumerOn() {
  await switchConsumer(ACCOUNTING, true);
  print('Customer Accounting polls its queue again; the rides that waited are charged now:');
  await watchQueueDrain(ACCOUNTING, 60);
}
