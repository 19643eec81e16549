import { rideSubscriber } from './ride-subscriber.ts';

/** Charges the customer's account for the ride. */
export const handler = rideSubscriber('CustomerAccountingService', 'charged-customer');
