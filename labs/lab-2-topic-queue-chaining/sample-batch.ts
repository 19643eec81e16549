import { SAMPLE_RIDE } from '../lab-1-fan-out/sample-ride.ts';
import type { RideBatch } from './worker/ride-batches.ts';

const DESTINATIONS = [
  { to: 'Frankfurt', distance: 600, fare: 256.5, duration: 420 },
  { to: 'Potsdam', distance: 35, fare: 58, duration: 45 },
  { to: 'Spandau', distance: 14, fare: 21.5, duration: 25 },
  { to: 'Kreuzberg', distance: 4, fare: 9.8, duration: 12 },
];

/** A partner fleet's batch of `count` completed rides (a quarter of them long and expensive). */
export function sampleBatch(fleet: string, count: number): RideBatch {
  const batchId = new Date().toISOString().replace(/[:.]/g, '-');
  const rides = Array.from({ length: count }, (_, i) => ({
    ...SAMPLE_RIDE,
    ...DESTINATIONS[i % DESTINATIONS.length],
    customer: `${fleet.toLowerCase().replace(/\W+/g, '-')}-customer-${i + 1}`,
  }));
  return { fleet, batchId, rides };
}
