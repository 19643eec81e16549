import { matchPattern } from './match.ts';
import { complexity, FilterPatternError, type PatternNode, parseNode, patternInput } from './pattern.ts';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

export interface SnsFilterPolicy {
  scope: FilterPolicyScope;
  node: PatternNode;
}

/** A message attribute as SNS receives it. */
export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: unknown;
}

/** Stands for a Binary attribute: present, but matched by no condition except `exists`. */
const BINARY = Symbol('binary');

/**
 * Parses and checks an SNS filter policy as SNS does when it is set, with SNS's limits: at most
 * five keys (attribute names, or leaf paths of a body policy), at most 150 value combinations,
 * and for attribute policies no nesting.
 */
export function parseSnsFilterPolicy(policy: string | object, scope: FilterPolicyScope = 'MessageAttributes'): SnsFilterPolicy {
  const node = parseNode(patternInput(policy), 'sns');
  if (scope === 'MessageAttributes') {
    for (const [key, child] of node.fields)
      if (!Array.isArray(child))
        throw new FilterPatternError(`Filter policy scope MessageAttributes does not support nested filter policy (key ${key})`);
  }
  const { keys, combinations, depth } = complexity(node);
  if (keys === 0) throw new FilterPatternError('Filter policy must have at least one key');
  if (keys > 5) throw new FilterPatternError('Filter policy can not have more than 5 keys');
  if (combinations > 150) throw new FilterPatternError(`Filter policy is too complex: ${combinations} value combinations (at most 150)`);
  if (depth > 5) throw new FilterPatternError('Filter policy can not be nested more than 5 levels deep');
  return { scope, node };
}

/** The attributes as the matcher sees them: Number as numbers, String.Array as arrays, Binary unmatchable. */
function attributeDocument(attributes: Record<string, SnsMessageAttribute>): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const type = attribute.DataType.split('.')[0];
    if (attribute.DataType === 'String.Array') {
      try {
        const parsed = JSON.parse(attribute.StringValue ?? '[]');
        document[name] = Array.isArray(parsed) ? parsed : [];
      } catch {
        document[name] = [];
      }
    } else if (type === 'Number') document[name] = Number(attribute.StringValue);
    else if (type === 'String') document[name] = attribute.StringValue;
    else document[name] = BINARY;
  }
  return document;
}

/** Whether SNS delivers a message to a subscription with this filter policy. */
export function matchesSnsFilterPolicy(
  policy: SnsFilterPolicy,
  message: { body: string; attributes: Record<string, SnsMessageAttribute> },
): boolean {
  if (policy.scope === 'MessageAttributes') return matchPattern(policy.node, attributeDocument(message.attributes));
  // A body policy matches only a body that is a JSON object.
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return false;
  }
  return matchPattern(policy.node, body);
}
