import type { Ping } from './functions/telemetry.ts';

/** The unicorns of the examples, each starting somewhere in Berlin. */
export const UNICORNS = [
  { name: 'Shadowfax', lat: 52.5163, lng: 13.3777 },
  { name: 'Rocinante', lat: 52.5079, lng: 13.3376 },
  { name: 'Bucephalus', lat: 52.5219, lng: 13.4132 },
  { name: 'Pegasus', lat: 52.4995, lng: 13.4448 },
];

/**
 * `count` pings of a unicorn walking north-east from `from` in steps of about 150 m, one a
 * second, the last one now.
 */
export function route(unicorn: string, from: { lat: number; lng: number }, count: number): Ping[] {
  const start = Date.now() - (count - 1) * 1_000;
  return Array.from({ length: count }, (_, i) => ({
    unicorn,
    lat: Number((from.lat + i * 0.001).toFixed(6)),
    lng: Number((from.lng + i * 0.0015).toFixed(6)),
    at: new Date(start + i * 1_000).toISOString(),
  }));
}

/** A ping's bytes on the stream. */
export const encodePing = (ping: Ping) => new TextEncoder().encode(JSON.stringify(ping));
