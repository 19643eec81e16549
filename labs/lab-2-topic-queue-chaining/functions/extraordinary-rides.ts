import { queueConsumer } from './queue-consumer.ts';

/** Rewards long, expensive rides: its queue's subscription keeps Lab 1's filter policy. */
export const handler = queueConsumer('ExtraordinaryRidesService', 'recorded-extraordinary-ride');
