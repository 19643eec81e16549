/** One thing that happened to a ride, in the order the ride goes through them. */
export const RIDE_STEPS = ['requested', 'accepted', 'picked-up', 'dropped-off', 'paid'] as const;

export type RideStep = (typeof RIDE_STEPS)[number];

/**
 * A ride event as the Wild Rydes backend publishes it to the FIFO topic. `eventId` is unique per
 * event; `seq` numbers the events of one ride (1, 2, 3…), so a consumer can tell the order.
 */
export interface RideEvent {
  rideId: string;
  seq: number;
  type: RideStep;
  eventId: string;
  unicorn: string;
}

/** Reads a ride event from a message body, or says what is wrong with it. */
export function parseRideEvent(body: string): RideEvent | string {
  let value: Partial<RideEvent>;
  try {
    value = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (!value || typeof value !== 'object') return 'the body is not a JSON object';
  if (typeof value.rideId !== 'string' || typeof value.eventId !== 'string' || typeof value.unicorn !== 'string')
    return 'rideId, eventId and unicorn must be strings';
  if (!Number.isInteger(value.seq) || value.seq! < 1) return 'seq must be a positive integer';
  if (!RIDE_STEPS.includes(value.type as RideStep)) return `type must be one of ${RIDE_STEPS.join(', ')}`;
  return value as RideEvent;
}
