// One evaluator for the resource policies that decide whether an AWS service may act on a
// resource for one of its own resources: a queue policy letting a topic, a rule or a bucket send
// to the queue, a topic policy letting EventBridge or S3 publish. On AWS a delivery the policy
// does not allow is dropped, which is what the labs' queue and topic policies are for.
import { parseArn } from '../aws/context.ts';
import { wildcardMatch } from '../services/iam/policy-evaluation.ts';

/** A call one AWS service makes on a resource, on behalf of one of its own resources. */
export interface ServiceRequest {
  /** The service principal making the call, e.g. `events.amazonaws.com`. */
  service: string;
  /** The action, e.g. `sqs:SendMessage` (compared without regard to case, as IAM does). */
  action: string;
  /** The resource whose policy decides: the queue or the topic. */
  resourceArn: string;
  /** The resource the service acts for (the rule, the topic, the bucket): `aws:SourceArn`. */
  sourceArn: string;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The condition operators understood, and whether each compares exactly or with IAM wildcards. */
const OPERATORS: Record<string, 'exact' | 'wildcard'> = {
  ArnEquals: 'exact',
  StringEquals: 'exact',
  ArnLike: 'wildcard',
  StringLike: 'wildcard',
};

/** The value of a condition key for a service request, or undefined for a key we do not model. */
function conditionValue(key: string, request: ServiceRequest): string | undefined {
  const name = key.toLowerCase();
  if (name === 'aws:sourcearn') return request.sourceArn;
  // The account of the source: from its ARN, or the resource's own account for S3 buckets (whose ARNs have none).
  if (name === 'aws:sourceaccount') return parseArn(request.sourceArn)?.accountId || parseArn(request.resourceArn)?.accountId || '';
  return undefined;
}

/**
 * Whether every condition of a statement holds. Any other key makes the statement not apply: on
 * AWS a condition on a key the request does not carry is false, and a service delivery carries
 * only its source, so a condition such as the default topic policy's `AWS:SourceOwner` cannot be
 * met by one. An operator we do not model makes it not apply too, rather than be guessed at.
 */
function conditionsHold(condition: Record<string, Record<string, unknown>> | undefined, request: ServiceRequest): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    // `...IfExists` matters only when the key is absent; both keys are always present here.
    const comparison = OPERATORS[operator.replace(/IfExists$/, '')];
    if (!comparison) return false;
    for (const [key, expected] of Object.entries(entries)) {
      const actual = conditionValue(key, request);
      if (actual === undefined) return false;
      const values = list(expected as string | string[]);
      if (!(comparison === 'exact' ? values.includes(actual) : values.some((v) => wildcardMatch(v, actual)))) return false;
    }
  }
  return true;
}

/** Whether a statement's principal, action, resource and conditions all cover the request. */
function applies(statement: any, request: ServiceRequest): boolean {
  const principals =
    statement.Principal === '*' ? ['*'] : [...list<string>(statement.Principal?.Service), ...list<string>(statement.Principal?.AWS)];
  if (!principals.some((p) => p === '*' || p === request.service)) return false;
  if (!list<string>(statement.Action).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (!list<string>(statement.Resource ?? '*').some((r) => wildcardMatch(r, request.resourceArn))) return false;
  return conditionsHold(statement.Condition, request);
}

/** A resource policy: its JSON text (a queue's or topic's `Policy` attribute) or its statements (a function's). */
export type ResourcePolicy = string | readonly unknown[] | undefined;

// Policies are read far more often than they change (every delivery checks one): each text is
// parsed once. A changed policy is a new text, so nothing needs forgetting but old texts.
const parsed = new Map<string, unknown[] | null>();
const MAX_PARSED = 512;

function statementsOf(policy: ResourcePolicy): readonly unknown[] | null {
  if (policy === undefined || policy === '') return null;
  if (typeof policy !== 'string') return policy;
  let statements = parsed.get(policy);
  if (statements === undefined) {
    try {
      statements = list<unknown>(JSON.parse(policy).Statement);
    } catch {
      statements = null;
    }
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(policy, statements);
  }
  return statements;
}

/**
 * Whether a resource policy allows a service request: an explicit Deny that applies wins, else
 * an Allow that applies allows, else it is denied. No policy, or one that does not parse, allows
 * nothing.
 *
 * @example resourcePolicyAllows(queue.Policy, { service: 'sns.amazonaws.com', action: 'sqs:SendMessage', resourceArn: queueArn, sourceArn: topicArn })
 */
export function resourcePolicyAllows(policy: ResourcePolicy, request: ServiceRequest): boolean {
  const statements = (statementsOf(policy) ?? []).filter((s) => applies(s, request));
  return !statements.some((s: any) => s.Effect === 'Deny') && statements.some((s: any) => s.Effect === 'Allow');
}
