import { print } from '../../kit/index.ts';
import { setFailurePercent } from '../failure-switch.ts';

/**
 * Turns on the consumers' failure switch (an SSM parameter they read with each batch): each
 * service now fails a quarter of the rides, and the same rides on every retry, as a bug would.
 */
export default async function makeConsumersFail() {
  print(await setFailurePercent(25));
  print(
    'Each consumer service now fails 25% of its rides. Submit a burst: the failed rides are retried, and after 5 receives they move to the dead-letter queues.',
  );
}
