import { AwsError } from './errors.ts';
import { escapeXml, toXml } from './xml.ts';

// AWS's query members are PascalCase names and list indexes; these names exist on every
// JavaScript object, and a path through them would reach Object.prototype itself.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
/** The largest list index a query-protocol request may name (AWS's longest lists hold 1,000 members). */
const MAX_INDEX = 1_000;
/** The deepest path a query-protocol parameter may have (`Entries.member.1.Attributes.entry.2.value` is 6). */
const MAX_DEPTH = 12;

/**
 * Parses an AWS query-protocol form body into a nested object. `Tags.member.1.Key=a` becomes
 * `{ Tags: [{ Key: 'a' }] }`, `Attributes.entry.1.key=k` becomes `{ Attributes: [{ key: 'k' }] }`
 * and flattened lists (`AttributeName.1=All`) become arrays too. Objects are built without a
 * prototype, and a parameter naming `__proto__`, `constructor` or `prototype` is refused: a
 * request never reaches the objects every other part of the cloud shares.
 */
export function parseQuery(body: string): { action: string; version?: string; input: Record<string, unknown> } {
  const params = new URLSearchParams(body);
  const input: Record<string, unknown> = Object.create(null);
  let action = '';
  let version: string | undefined;
  for (const [key, value] of params) {
    if (key === 'Action') action = value;
    else if (key === 'Version') version = value;
    else assignPath(input, key, value);
  }
  if (!action) throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
  compactArrays(input);
  return { action, version, input };
}

function malformed(name: string, why: string): AwsError {
  return new AwsError('MalformedQueryString', `The query parameter ${JSON.stringify(name.slice(0, 200))} ${why}.`);
}

function assignPath(target: Record<string, unknown>, name: string, value: string): void {
  const path = name.split('.');
  if (path.length > MAX_DEPTH) throw malformed(name, `is nested deeper than ${MAX_DEPTH} levels`);
  let node: any = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (FORBIDDEN_SEGMENTS.has(segment)) throw malformed(name, `names "${segment}", which is not a member of any AWS request`);
    // `member` and `entry` only announce the list index that follows.
    if ((segment === 'member' || segment === 'entry') && /^\d+$/.test(path[i + 1] ?? '')) continue;
    const index = /^\d+$/.test(segment) ? Number(segment) : undefined;
    if (index !== undefined && (index < 1 || index > MAX_INDEX)) throw malformed(name, `has a list index out of 1..${MAX_INDEX}`);
    const key: string | number = index !== undefined ? index - 1 : segment;
    // An index into something that is not a list, or a name into a list: the path contradicts an earlier parameter.
    if (Array.isArray(node) !== (typeof key === 'number')) throw malformed(name, 'contradicts the shape of another parameter');
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const nextIsIndex =
      /^\d+$/.test(path[i + 1]) || ((path[i + 1] === 'member' || path[i + 1] === 'entry') && /^\d+$/.test(path[i + 2] ?? ''));
    if (node[key] === undefined || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : Object.create(null);
    node = node[key];
  }
}

function compactArrays(node: unknown): void {
  if (Array.isArray(node)) {
    for (let i = node.length - 1; i >= 0; i--) if (node[i] === undefined) node.splice(i, 1);
    node.forEach(compactArrays);
  } else if (node && typeof node === 'object') {
    Object.values(node).forEach(compactArrays);
  }
}

/** Turns a query-protocol entry list (`[{key, value}]` or `[{Name, Value}]`) into a plain map. */
export function entriesToMap<V = string>(entries: unknown, keyName = 'key', valueName = 'value'): Record<string, V> {
  // Keys are the caller's (an attribute or tag named `__proto__` is just a name): no prototype to collide with.
  const map: Record<string, V> = Object.create(null);
  if (!Array.isArray(entries)) return map;
  for (const entry of entries) {
    if (entry && typeof entry === 'object') map[(entry as any)[keyName]] = (entry as any)[valueName];
  }
  return map;
}

/** A query-protocol success response. */
export function queryResponse(action: string, xmlns: string, result: unknown, requestId: string): string {
  const body = result === undefined ? '' : toXml(`${action}Result`, result);
  return `<?xml version="1.0"?>\n<${action}Response xmlns="${xmlns}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** A query-protocol error response. */
export function queryError(error: AwsError, requestId: string): string {
  return `<?xml version="1.0"?>\n<ErrorResponse><Error><Type>${error.senderFault ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
