import { AwsError } from '../../aws/errors.ts';

/** One statement of a function's resource-based policy (what AddPermission adds). */
export interface PermissionStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: { Service: string } | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

/** Builds the statement AddPermission stores, from its input. */
export function statementFrom(input: any, functionArn: string): PermissionStatement {
  if (!input.StatementId || !input.Action || !input.Principal) {
    throw new AwsError('ValidationException', 'StatementId, Action and Principal are required.');
  }
  const principal = String(input.Principal);
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceArn) condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
  if (input.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': input.SourceAccount };
  return {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principal.includes('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: input.Action,
    Resource: functionArn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

function arnLike(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value);
}

/**
 * Whether the function's resource policy lets `service` (e.g. sns.amazonaws.com) invoke it on
 * behalf of `sourceArn`. On AWS a subscription or an API without this permission fails to invoke.
 */
export function allowsServiceInvoke(statements: PermissionStatement[], service: string, sourceArn: string): boolean {
  return statements.some((s) => {
    if (!('Service' in s.Principal) || s.Principal.Service !== service) return false;
    if (s.Action !== 'lambda:InvokeFunction' && s.Action !== 'lambda:*') return false;
    const like = s.Condition?.ArnLike?.['AWS:SourceArn'];
    return like === undefined || arnLike(like, sourceArn);
  });
}
