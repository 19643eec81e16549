// One matcher for SNS filter policies, EventBridge event patterns and Lambda event source
// mapping filters: the same operators behave the same wherever a lab meets them.
export { matchesAnyFilter } from './esm.ts';
export { matchesEventPattern, parseEventPattern } from './event-pattern.ts';
export { matchPattern } from './match.ts';
export { FilterPatternError, type PatternNode } from './pattern.ts';
export {
  type FilterPolicyScope,
  matchesSnsFilterPolicy,
  parseSnsFilterPolicy,
  type SnsFilterPolicy,
  type SnsMessageAttribute,
} from './sns.ts';
