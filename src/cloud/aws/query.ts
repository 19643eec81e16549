import { AwsError } from './errors.ts';
import { escapeXml, toXml } from './xml.ts';

/**
 * Parses an AWS query-protocol form body into a nested object. `Tags.member.1.Key=a` becomes
 * `{ Tags: [{ Key: 'a' }] }`, `Attributes.entry.1.key=k` becomes `{ Attributes: [{ key: 'k' }] }`
 * and flattened lists (`AttributeName.1=All`) become arrays too.
 */
export function parseQuery(body: string): { action: string; version?: string; input: Record<string, unknown> } {
  const params = new URLSearchParams(body);
  const input: Record<string, unknown> = {};
  let action = '';
  let version: string | undefined;
  for (const [key, value] of params) {
    if (key === 'Action') action = value;
    else if (key === 'Version') version = value;
    else assignPath(input, key.split('.'), value);
  }
  if (!action) throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
  compactArrays(input);
  return { action, version, input };
}

function assignPath(target: Record<string, unknown> | unknown[], path: string[], value: string): void {
  let node: any = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    // `member` and `entry` only announce the list index that follows.
    if ((segment === 'member' || segment === 'entry') && /^\d+$/.test(path[i + 1] ?? '')) continue;
    const last = i === path.length - 1;
    const key: string | number = /^\d+$/.test(segment) ? Number(segment) - 1 : segment;
    if (last) {
      node[key] = value;
      return;
    }
    const nextIsIndex =
      /^\d+$/.test(path[i + 1]) || ((path[i + 1] === 'member' || path[i + 1] === 'entry') && /^\d+$/.test(path[i + 2] ?? ''));
    if (node[key] === undefined || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : {};
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
  const map: Record<string, V> = {};
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
