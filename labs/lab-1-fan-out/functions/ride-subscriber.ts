import type { Ride, SnsEvent } from './events.ts';

/**
 * The handler of a subscriber service: reads every ride in the SNS event and logs one JSON line
 * per ride (what the checkpoints and the page's log view look for).
 *
 * If it threw, Lambda's asynchronous invocation would retry it (twice by default) and then drop
 * the event or send it to an on-failure destination; SNS's own retries are about reaching Lambda.
 */
export function rideSubscriber(service: string, action: string) {
  return async (event: SnsEvent): Promise<void> => {
    for (const record of event.Records) {
      const ride = JSON.parse(record.Sns.Message) as Ride;
      console.log(JSON.stringify({ service, action, rideId: ride.id, customer: ride.customer, fare: ride.fare, distance: ride.distance }));
    }
  };
}
