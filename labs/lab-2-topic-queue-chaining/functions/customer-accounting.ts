import { queueConsumer } from './queue-consumer.ts';

/** Charges customers' accounts for their rides, from the rides in its queue. */
export const handler = queueConsumer('CustomerAccountingService', 'charged-customer');
