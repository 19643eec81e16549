import { print } from '../../kit/index.ts';
import { ACCOUNTING, queueName } from '../services.ts';
import { switchConsumer } from '../switch.ts';

/** Switches Customer Accounting off: its event source mapping stops polling its queue. */
export default async function switchConsumerOff() {
  await switchConsumer(ACCOUNTING, false);
  print(
    `Customer Accounting takes no more rides. New rides wait in ${queueName(ACCOUNTING.queue)}: submit a burst and watch them pile up, then switch it on again.`,
  );
}
