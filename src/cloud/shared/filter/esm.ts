import { matchesEventPattern, parseEventPattern } from './event-pattern.ts';

/**
 * Event source mapping filter criteria: each filter is an EventBridge-syntax pattern; no filters
 * lets everything through, and a record passes when any filter matches it.
 */
export function matchesAnyFilter(patterns: string[], record: unknown): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => matchesEventPattern(parseEventPattern(pattern), record));
}
