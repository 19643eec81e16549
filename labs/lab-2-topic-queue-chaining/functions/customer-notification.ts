import { queueConsumer } from './queue-consumer.ts';

/** Tells customers their ride is complete, from the rides in its queue. */
export const handler = queueConsumer('CustomerNotificationService', 'notified-customer');
