import type { Condition, PatternNode } from './pattern.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function testNumeric(checks: [string, number][], value: number): boolean {
  return checks.every(([operator, bound]) => {
    switch (operator) {
      case '=':
        return value === bound;
      case '<':
        return value < bound;
      case '<=':
        return value <= bound;
      case '>':
        return value > bound;
      default:
        return value >= bound;
    }
  });
}

/** Whether one scalar value satisfies one condition. Types matter: "5" is no number. */
function scalarMatches(condition: Condition, value: unknown): boolean {
  switch (condition.kind) {
    case 'exact':
      return condition.value === value;
    case 'prefix':
    case 'suffix': {
      if (typeof value !== 'string') return false;
      const [v, c] = condition.ignoreCase ? [value.toLowerCase(), condition.value.toLowerCase()] : [value, condition.value];
      return condition.kind === 'prefix' ? v.startsWith(c) : v.endsWith(c);
    }
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === condition.value.toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && condition.regex.test(value);
    case 'anything-but':
      return condition.test(value);
    case 'numeric':
      return typeof value === 'number' && testNumeric(condition.checks, value);
    case 'cidr':
      return typeof value === 'string' && condition.test(value);
    case 'exists':
      return condition.value;
  }
}

/**
 * Whether a field's value satisfies any of its conditions. A missing field satisfies only
 * `exists: false`; an array satisfies a condition when any of its elements does (AWS semantics).
 */
function fieldMatches(conditions: Condition[], value: unknown): boolean {
  const present = value !== undefined;
  return conditions.some((condition) => {
    if (condition.kind === 'exists') return condition.value === present && !(Array.isArray(value) && value.length === 0 && condition.value);
    if (!present) return false;
    if (Array.isArray(value)) return value.some((element) => scalarMatches(condition, element));
    return scalarMatches(condition, value);
  });
}

/** Whether a JSON document matches a parsed pattern: every field (AND), any condition (OR), one `$or` alternative. */
export function matchPattern(node: PatternNode, document: unknown): boolean {
  if (!isObject(document)) return false;
  for (const [key, child] of node.fields) {
    const value = document[key];
    if (Array.isArray(child)) {
      if (!fieldMatches(child, value)) return false;
    } else {
      const candidates = Array.isArray(value) ? value : [value];
      // A nested pattern whose fields all test for absence also matches a missing object.
      if (!candidates.some((candidate) => matchPattern(child, candidate ?? {}))) return false;
    }
  }
  return node.anyOf.length === 0 || node.anyOf.some((alternative) => matchPattern(alternative, document));
}
