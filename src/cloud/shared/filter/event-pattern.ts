import { matchPattern } from './match.ts';
import { FilterPatternError, type PatternNode, parseNode, patternInput } from './pattern.ts';

/** Parses an EventBridge event pattern (JSON text or object); throws FilterPatternError when AWS would refuse it. */
export function parseEventPattern(pattern: string | object): PatternNode {
  const node = parseNode(patternInput(pattern), 'eventbridge');
  if (node.fields.size === 0 && node.anyOf.length === 0) throw new FilterPatternError('Event pattern must not be empty');
  return node;
}

/** Whether an event matches an event pattern. */
export function matchesEventPattern(pattern: PatternNode | string | object, event: unknown): boolean {
  const node = isNode(pattern) ? pattern : parseEventPattern(pattern);
  return matchPattern(node, event);
}

function isNode(value: unknown): value is PatternNode {
  return typeof value === 'object' && value !== null && (value as PatternNode).fields instanceof Map;
}
