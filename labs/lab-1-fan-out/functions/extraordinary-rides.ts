import { rideSubscriber } from './ride-subscriber.ts';

/** Rewards long, expensive rides: it should only hear about those (the filter policy of step 4). */
export const handler = rideSubscriber('ExtraordinaryRidesService', 'recorded-extraordinary-ride');
