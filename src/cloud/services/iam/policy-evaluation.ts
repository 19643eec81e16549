/** An IAM policy document's statement as written in JSON. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface NamedPolicy {
  id: string;
  type: 'IAM Policy' | 'managed';
  document: { Statement: PolicyStatement | PolicyStatement[] };
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM wildcards: `*` any run of characters, `?` one character; actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function statementApplies(statement: PolicyStatement, action: string, resource: string): boolean {
  const actionOk =
    statement.Action !== undefined
      ? list(statement.Action).some((a) => wildcardMatch(a, action, true))
      : !list(statement.NotAction).some((a) => wildcardMatch(a, action, true));
  const resourceOk =
    statement.Resource !== undefined
      ? list(statement.Resource).some((r) => wildcardMatch(r, resource))
      : statement.NotResource !== undefined && !list(statement.NotResource).some((r) => wildcardMatch(r, resource));
  return actionOk && resourceOk;
}

/**
 * Evaluates identity policies for one action on one resource as IAM does: an explicit Deny
 * wins, else any Allow allows, else the request is implicitly denied. Statements with conditions
 * cannot be decided without request context; they are reported as missing context, not guessed.
 */
export function evaluate(policies: NamedPolicy[], action: string, resource: string) {
  const matched: { SourcePolicyId: string; SourcePolicyType: string }[] = [];
  const missingContext = new Set<string>();
  let decision: Decision = 'implicitDeny';
  for (const policy of policies) {
    for (const statement of list(policy.document.Statement as any) as unknown as PolicyStatement[]) {
      if (!statementApplies(statement, action, resource)) continue;
      if (statement.Condition && Object.keys(statement.Condition).length > 0) {
        for (const operator of Object.values(statement.Condition)) for (const key of Object.keys(operator)) missingContext.add(key);
        continue;
      }
      if (statement.Effect === 'Deny') {
        decision = 'explicitDeny';
        matched.push({ SourcePolicyId: policy.id, SourcePolicyType: policy.type === 'managed' ? 'managed' : 'role' });
      } else if (decision !== 'explicitDeny') {
        decision = 'allowed';
        matched.push({ SourcePolicyId: policy.id, SourcePolicyType: policy.type === 'managed' ? 'managed' : 'role' });
      }
    }
  }
  return { decision, matched, missingContext: [...missingContext] };
}
