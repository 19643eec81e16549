// JSON that keeps what the services' state is made of: Maps, Sets, Dates and bigints. Services
// snapshot plain data only: live things (execution environments, pollers, promises) are kept
// beside their records, never in them, and rebuilt on start.

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: any, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Map) return { __map: [...raw.entries()] };
    if (raw instanceof Set) return { __set: [...raw.values()] };
    if (raw instanceof Date) return { __date: raw.toISOString() };
    if (typeof raw === 'bigint') return { __bigint: raw.toString() };
    return v;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if ('__map' in v) return new Map(v.__map);
      if ('__set' in v) return new Set(v.__set);
      if ('__date' in v) return new Date(v.__date);
      if ('__bigint' in v) return BigInt(v.__bigint);
    }
    return v;
  });
}
