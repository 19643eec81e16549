import { cidrMatcher } from './cidr.ts';

/** A pattern or filter policy that AWS would refuse; `message` is the reason as AWS words it. */
export class FilterPatternError extends Error {
  override name = 'FilterPatternError';
}

/** One condition on a field's value; a field matches when any of its conditions does. */
export type Condition =
  | { kind: 'exact'; value: string | number | boolean | null }
  | { kind: 'prefix' | 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  | { kind: 'anything-but'; test: (value: unknown) => boolean }
  | { kind: 'numeric'; checks: [string, number][] }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; test: (ip: string) => boolean };

/** A parsed pattern: conditions per field, nested patterns per object field, `$or` alternatives. */
export interface PatternNode {
  fields: Map<string, Condition[] | PatternNode>;
  anyOf: PatternNode[];
}

/** Which dialect is parsed: SNS filter policies know fewer operators than EventBridge patterns. */
export type Dialect = 'sns' | 'eventbridge';

const fail = (message: string): never => {
  throw new FilterPatternError(message);
};
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='];

function numberOf(value: unknown, operator: string, dialect: Dialect): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`Value of ${operator} must be numeric`);
  // SNS: numeric values must lie between -10^9 and 10^9.
  if (dialect === 'sns' && Math.abs(value as number) > 1e9) fail(`Value of ${operator} must be between -1.0E9 and 1.0E9 inclusive`);
  return value as number;
}

function parseNumeric(spec: unknown, dialect: Dialect): Condition {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4)
    fail('Value of numeric must be an array of 2 or 4 elements: an operator and a value, or a range');
  const checks: [string, number][] = [];
  for (let i = 0; i < (spec as unknown[]).length; i += 2) {
    const operator = (spec as unknown[])[i];
    if (typeof operator !== 'string' || !NUMERIC_OPERATORS.includes(operator))
      fail(`Unrecognized numeric range operator: ${JSON.stringify(operator)}`);
    checks.push([operator as string, numberOf((spec as unknown[])[i + 1], operator as string, dialect)]);
  }
  if (checks.length === 2) {
    const [[lowOp, low], [highOp, high]] = checks;
    // AWS: a range is a lower bound (> or >=) followed by an upper bound (< or <=), bottom below top.
    if (!lowOp.startsWith('>') || !highOp.startsWith('<')) fail('Too many elements in numeric expression');
    if (low >= high) fail('Bottom must be less than top');
  }
  return { kind: 'numeric', checks };
}

function stringOf(value: unknown, operator: string): string {
  if (typeof value !== 'string') fail(`${operator} match pattern must be a string`);
  return value as string;
}

function wildcardRegex(pattern: string): RegExp {
  if (pattern.includes('**')) fail(`Consecutive wildcard characters at pos ${pattern.indexOf('**')}`);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) source += `\\${pattern[++i]}`;
    else if (c === '*') source += '.*';
    else source += c.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function parseAnythingBut(spec: unknown, dialect: Dialect): Condition {
  if (isObject(spec)) {
    const [operator, value] = Object.entries(spec)[0] ?? [];
    if (Object.keys(spec).length !== 1) fail('anything-but expects exactly one operator');
    if (operator === 'prefix' || operator === 'suffix') {
      const text = stringOf(value, `anything-but ${operator}`);
      if (text === '') fail(`Null ${operator} not allowed`);
      return {
        kind: 'anything-but',
        test: (v) => typeof v === 'string' && !(operator === 'prefix' ? v.startsWith(text) : v.endsWith(text)),
      };
    }
    if (operator === 'equals-ignore-case') {
      const values = (Array.isArray(value) ? value : [value]).map((v) => stringOf(v, 'anything-but equals-ignore-case').toLowerCase());
      return { kind: 'anything-but', test: (v) => typeof v === 'string' && !values.includes(v.toLowerCase()) };
    }
    if (operator === 'wildcard' && dialect === 'eventbridge') {
      const regexes = (Array.isArray(value) ? value : [value]).map((v) => wildcardRegex(stringOf(v, 'anything-but wildcard')));
      return { kind: 'anything-but', test: (v) => typeof v === 'string' && !regexes.some((r) => r.test(v)) };
    }
    return fail(`Unsupported anything-but pattern: ${operator}`);
  }
  const values = Array.isArray(spec) ? spec : [spec];
  if (values.length === 0) fail('Empty arrays are not allowed');
  for (const value of values)
    if (typeof value !== 'string' && typeof value !== 'number') fail('Inside anything but list, start|null|boolean is not supported.');
  // Values compare as the type they have: 5 and "5" are different values.
  return {
    kind: 'anything-but',
    test: (v) =>
      (typeof v === 'string' || typeof v === 'number') &&
      !values.some((x) => (typeof x === 'number' && typeof v === 'number' ? x === v : x === v)),
  };
}

function parseOperator(spec: Record<string, unknown>, dialect: Dialect): Condition {
  const keys = Object.keys(spec);
  if (keys.length !== 1) fail(`Only one key allowed in match expression, found ${keys.length}`);
  const [operator] = keys;
  const value = spec[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      if (isObject(value) && 'equals-ignore-case' in value)
        return { kind: operator, value: stringOf(value['equals-ignore-case'], operator), ignoreCase: true };
      const text = stringOf(value, operator);
      return { kind: operator, value: text, ignoreCase: false };
    }
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: stringOf(value, operator) };
    case 'anything-but':
      return parseAnythingBut(value, dialect);
    case 'numeric':
      return parseNumeric(value, dialect);
    case 'exists':
      if (typeof value !== 'boolean') fail('exists match pattern must be either true or false.');
      return { kind: 'exists', value: value as boolean };
    case 'cidr':
      return { kind: 'cidr', test: cidrMatcher(stringOf(value, 'cidr'), fail) };
    case 'wildcard':
      if (dialect === 'eventbridge') return { kind: 'wildcard', regex: wildcardRegex(stringOf(value, operator)) };
      return fail(`Unrecognized match type ${operator}`);
    default:
      return fail(`Unrecognized match type ${operator}`);
  }
}

function parseConditions(values: unknown[], dialect: Dialect): Condition[] {
  if (values.length === 0) fail('Empty arrays are not allowed');
  return values.map((value) => {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return { kind: 'exact', value } as Condition;
    if (isObject(value)) return parseOperator(value, dialect);
    return fail(`Match value must be String, number, true, false, or null`);
  });
}

/**
 * Deeper than any pattern AWS takes: an SNS policy has at most five keys, an EventBridge pattern
 * at most 4,096 characters (two per level at the least). Checked as parsing goes, so a pattern
 * nested thousands of levels deep is refused rather than recursed into.
 */
const MAX_NESTING = 1_000;

/** Parses a pattern object into its internal form; throws FilterPatternError on anything AWS refuses. */
export function parseNode(spec: unknown, dialect: Dialect, depth = 1, nesting = 1): PatternNode {
  if (!isObject(spec)) fail('Filter policy must be a JSON object');
  if (nesting > MAX_NESTING) fail(`Filter policy is nested more than ${MAX_NESTING} levels deep`);
  const node: PatternNode = { fields: new Map(), anyOf: [] };
  for (const [key, value] of Object.entries(spec as Record<string, unknown>)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) fail('$or must be an array of at least two objects');
      node.anyOf = (value as unknown[]).map((alternative) => parseNode(alternative, dialect, depth, nesting + 1));
    } else if (Array.isArray(value)) {
      node.fields.set(key, parseConditions(value, dialect));
    } else if (isObject(value)) {
      node.fields.set(key, parseNode(value, dialect, depth + 1, nesting + 1));
    } else {
      fail(`Match value for ${key} must be an array or an object`);
    }
  }
  return node;
}

/** Leaf paths of a pattern and how many value combinations it has (AWS limits both for SNS). */
export function complexity(node: PatternNode, depth = 1): { keys: number; combinations: number; depth: number } {
  let keys = 0;
  let combinations = 1;
  let deepest = depth;
  for (const child of node.fields.values()) {
    if (Array.isArray(child)) {
      keys += 1;
      combinations *= child.length;
    } else {
      const inner = complexity(child, depth + 1);
      keys += inner.keys;
      combinations *= inner.combinations;
      deepest = Math.max(deepest, inner.depth);
    }
  }
  if (node.anyOf.length > 0) {
    const alternatives = node.anyOf.map((alternative) => complexity(alternative, depth));
    keys += Math.max(...alternatives.map((a) => a.keys));
    combinations *= alternatives.reduce((sum, a) => sum + a.combinations, 0);
    deepest = Math.max(deepest, ...alternatives.map((a) => a.depth));
  }
  return { keys, combinations, depth: deepest };
}

/** Reads a pattern given as JSON text or as an object. */
export function patternInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return fail('Filter policy is not valid JSON');
  }
}
