import { rideSubscriber } from './ride-subscriber.ts';

/** Tells the customer their ride is complete. */
export const handler = rideSubscriber('CustomerNotificationService', 'notified-customer');
