/** A location ping a unicorn's harness sends every few seconds, keyed by unicorn on the stream. */
export interface Ping {
  unicorn: string;
  lat: number;
  lng: number;
  /** When the harness took the fix (ISO 8601). */
  at: string;
}

/** A stream record whose data is not a ping: the consumer fails its batch on it. */
export class MalformedPingError extends Error {
  override name = 'MalformedPingError';
}

/** Reads a ping from a record's data, or says what is wrong with it. */
export function parsePing(data: string): Ping | string {
  let value: Partial<Ping>;
  try {
    value = JSON.parse(data);
  } catch {
    return 'the data is not JSON';
  }
  if (!value || typeof value !== 'object') return 'the data is not a JSON object';
  if (typeof value.unicorn !== 'string' || value.unicorn.length === 0) return 'unicorn must be a name';
  if (typeof value.lat !== 'number' || Math.abs(value.lat) > 90) return 'lat must be a number between -90 and 90';
  if (typeof value.lng !== 'number' || Math.abs(value.lng) > 180) return 'lng must be a number between -180 and 180';
  if (typeof value.at !== 'string') return 'at must be a timestamp';
  return value as Ping;
}

const EARTH_RADIUS_METERS = 6_371_000;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** The great-circle distance between two fixes, in meters (haversine formula). */
export function metersBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Kinesis sequence numbers are decimal strings of up to 128 digits: compare them as integers. */
export function isAfter(sequenceNumber: string, than: string | undefined): boolean {
  return than === undefined || BigInt(sequenceNumber) > BigInt(than);
}
