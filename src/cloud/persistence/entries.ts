import { decode, encode } from './codec.ts';

// A service's snapshot kept record by record, so a commit writes only the records that changed:
// a snapshot that is a Map becomes one record per entry; a plain object one record per property,
// and one per entry of each property that is a Map (SNS's topics, Lambda's functions, Step
// Functions' executions). A layout record says which shape to rebuild.

/** One record of a snapshot: its key within the service, and its encoded value. */
export type Entries = Map<string, string>;

const LAYOUT = '#';
const SEPARATOR = '\u0000';

type Layout = { kind: 'map' } | { kind: 'object'; maps: string[] } | { kind: 'value' };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Splits a snapshot into records. */
export function split(snapshot: unknown): Entries {
  const entries: Entries = new Map();
  let layout: Layout;
  if (snapshot instanceof Map) {
    layout = { kind: 'map' };
    for (const [key, value] of snapshot) entries.set(`${SEPARATOR}${JSON.stringify(key)}`, encode(value));
  } else if (isPlainObject(snapshot)) {
    const maps: string[] = [];
    for (const [property, value] of Object.entries(snapshot)) {
      if (value === undefined) continue;
      if (value instanceof Map) {
        maps.push(property);
        for (const [key, item] of value) entries.set(`${property}${SEPARATOR}${JSON.stringify(key)}`, encode(item));
      } else entries.set(`.${property}`, encode(value));
    }
    layout = { kind: 'object', maps };
  } else {
    layout = { kind: 'value' };
    entries.set('', encode(snapshot));
  }
  entries.set(LAYOUT, JSON.stringify(layout));
  return entries;
}

/** Rebuilds the snapshot `split` took apart. */
export function join(entries: ReadonlyMap<string, string>): unknown {
  const layoutText = entries.get(LAYOUT);
  if (layoutText === undefined) return undefined;
  const layout = JSON.parse(layoutText) as Layout;
  if (layout.kind === 'value') return entries.has('') ? decode(entries.get('')!) : undefined;
  if (layout.kind === 'map') {
    const map = new Map<unknown, unknown>();
    for (const [key, value] of entries) if (key.startsWith(SEPARATOR)) map.set(JSON.parse(key.slice(1)), decode(value));
    return map;
  }
  const object: Record<string, unknown> = {};
  for (const property of layout.maps) object[property] = new Map();
  for (const [key, value] of entries) {
    if (key === LAYOUT) continue;
    if (key.startsWith('.')) {
      object[key.slice(1)] = decode(value);
      continue;
    }
    const at = key.indexOf(SEPARATOR);
    const map = object[key.slice(0, at)];
    if (map instanceof Map) map.set(JSON.parse(key.slice(at + 1)), decode(value));
  }
  return object;
}

/** What changed between two splits: records to write, and keys to remove. */
export function diff(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): { put: [string, string][]; removed: string[] } {
  const put: [string, string][] = [];
  for (const [key, value] of after) if (before.get(key) !== value) put.push([key, value]);
  const removed = [...before.keys()].filter((key) => !after.has(key));
  return { put, removed };
}
