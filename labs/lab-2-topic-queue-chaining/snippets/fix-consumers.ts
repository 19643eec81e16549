import { print } from '../../kit/index.ts';
import { setFailurePercent } from '../failure-switch.ts';

/** The fix: turns the consumers' failure switch off. Rides already in the dead-letter queues stay there until you redrive them. */
export default async function fixConsumers() {
  print(await setFailurePercent(0));
  print('The consumers fail nothing any more. What failed before still waits in the dead-letter queues: redrive it.');
}
