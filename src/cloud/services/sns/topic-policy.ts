import { wildcardMatch } from '../iam/policy-evaluation.ts';

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Whether a topic's access policy lets an AWS service (e.g. events.amazonaws.com) publish to it
 * on behalf of `sourceArn`. On AWS an EventBridge rule cannot publish to a topic whose policy does
 * not allow it (the default policy only admits principals of the owning account), and the event
 * is dropped: that is why the CDK adds an AWS::SNS::TopicPolicy for an SnsTopic target.
 * An explicit Deny wins; a condition on a key other than aws:SourceArn / aws:SourceAccount does
 * not match (it could not be satisfied by a service delivery).
 */
export function topicPolicyAllows(policyText: string | undefined, topicArn: string, service: string, sourceArn: string): boolean {
  if (!policyText) return false;
  let policy: any;
  try {
    policy = JSON.parse(policyText);
  } catch {
    return false;
  }
  const sourceAccount = sourceArn.split(':')[4];
  const applies = (s: any) => {
    const principals = s.Principal === '*' ? ['*'] : [...list<string>(s.Principal?.Service), ...list<string>(s.Principal?.AWS)];
    if (!principals.some((p) => p === '*' || p === service)) return false;
    if (!list<string>(s.Action).some((a) => wildcardMatch(a, 'sns:Publish', true))) return false;
    if (!list<string>(s.Resource ?? '*').some((r) => wildcardMatch(r, topicArn))) return false;
    for (const [operator, conditions] of Object.entries<Record<string, unknown>>(s.Condition ?? {})) {
      for (const [key, expected] of Object.entries(conditions)) {
        const values = list<string>(expected as string | string[]);
        const actual = key.toLowerCase() === 'aws:sourcearn' ? sourceArn : key.toLowerCase() === 'aws:sourceaccount' ? sourceAccount : undefined;
        if (actual === undefined) return false;
        const exact = operator.startsWith('ArnEquals') || operator === 'StringEquals';
        if (!(exact ? values.includes(actual) : values.some((v) => wildcardMatch(v, actual)))) return false;
      }
    }
    return true;
  };
  const statements = list<any>(policy.Statement);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}
