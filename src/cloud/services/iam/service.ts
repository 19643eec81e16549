import { randomBytes } from 'node:crypto';
import type { ActionTable, RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { MANAGED_POLICIES } from './managed-policies.ts';
import { evaluate, type NamedPolicy } from './policy-evaluation.ts';

interface Role {
  name: string;
  arn: string;
  roleId: string;
  path: string;
  assumeRolePolicy: string;
  description?: string;
  createDate: Date;
  inlinePolicies: Map<string, string>;
  attached: Set<string>;
  tags: Record<string, string>;
}

const noSuchEntity = (message: string) => new AwsError('NoSuchEntity', message, 404);
const malformed = (message: string) => new AwsError('MalformedPolicyDocument', message, 400);

function parseDocument(text: unknown): { Statement: any } {
  let document: any;
  try {
    document = JSON.parse(decodeURIComponent(String(text ?? '')));
  } catch {
    throw malformed('The policy document is not valid JSON.');
  }
  if (!document || typeof document !== 'object' || !document.Statement) throw malformed('Policy document must contain a Statement.');
  for (const statement of [].concat(document.Statement)) {
    const s = statement as any;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed(`Invalid effect: ${s.Effect}`);
  }
  return document;
}

/** IAM roles and their policies (global, as on AWS); enough to keep and check what the labs grant. */
export class IamService {
  readonly roles = new Map<string, Role>();

  readonly actions: ActionTable = {
    CreateRole: (input, context) => ({ Role: this.describe(this.createRole(input, context)) }),
    GetRole: (input) => ({ Role: this.describe(this.role(input.RoleName)) }),
    DeleteRole: (input) => {
      const role = this.role(input.RoleName);
      if (role.inlinePolicies.size > 0 || role.attached.size > 0) {
        throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      }
      this.roles.delete(role.name);
      return {};
    },
    ListRoles: () => ({ Roles: [...this.roles.values()].map((r) => this.describe(r)), IsTruncated: false }),
    UpdateAssumeRolePolicy: (input) => {
      parseDocument(input.PolicyDocument);
      this.role(input.RoleName).assumeRolePolicy = input.PolicyDocument;
      return {};
    },
    PutRolePolicy: (input) => {
      parseDocument(input.PolicyDocument);
      this.role(input.RoleName).inlinePolicies.set(input.PolicyName, input.PolicyDocument);
      return {};
    },
    GetRolePolicy: (input) => {
      const document = this.role(input.RoleName).inlinePolicies.get(input.PolicyName);
      if (document === undefined) throw noSuchEntity(`The role policy with name ${input.PolicyName} cannot be found.`);
      return { RoleName: input.RoleName, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(document) };
    },
    DeleteRolePolicy: (input) => {
      if (!this.role(input.RoleName).inlinePolicies.delete(input.PolicyName))
        throw noSuchEntity(`The role policy with name ${input.PolicyName} cannot be found.`);
      return {};
    },
    ListRolePolicies: (input) => ({ PolicyNames: [...this.role(input.RoleName).inlinePolicies.keys()], IsTruncated: false }),
    AttachRolePolicy: (input) => {
      if (!MANAGED_POLICIES[input.PolicyArn]) {
        throw noSuchEntity(
          `Policy ${input.PolicyArn} does not exist or is not attachable (the local cloud knows the managed policies: ${Object.keys(MANAGED_POLICIES).join(', ')}).`,
        );
      }
      this.role(input.RoleName).attached.add(input.PolicyArn);
      return {};
    },
    DetachRolePolicy: (input) => {
      if (!this.role(input.RoleName).attached.delete(input.PolicyArn)) throw noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
      return {};
    },
    ListAttachedRolePolicies: (input) => ({
      AttachedPolicies: [...this.role(input.RoleName).attached].map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
      IsTruncated: false,
    }),
    TagRole: (input) => {
      const role = this.role(input.RoleName);
      for (const tag of input.Tags ?? []) role.tags[tag.Key] = tag.Value;
      return {};
    },
    ListRoleTags: (input) => ({
      Tags: Object.entries(this.role(input.RoleName).tags).map(([Key, Value]) => ({ Key, Value })),
      IsTruncated: false,
    }),
    SimulatePrincipalPolicy: (input) => this.simulate(input),
  };

  role(name: unknown): Role {
    const role = this.roles.get(String(name));
    if (!role) throw noSuchEntity(`The role with name ${String(name)} cannot be found.`);
    return role;
  }

  private createRole(input: any, context: RequestContext): Role {
    const name = String(input.RoleName ?? '');
    if (!/^[\w+=,.@-]{1,64}$/.test(name)) throw new AwsError('ValidationError', `Invalid role name ${name}`);
    if (this.roles.has(name)) throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
    parseDocument(input.AssumeRolePolicyDocument);
    const path = input.Path ?? '/';
    const role: Role = {
      name,
      arn: `arn:aws:iam::${context.accountId}:role${path}${name}`,
      roleId: `AROA${randomBytes(8).toString('hex').toUpperCase()}`,
      path,
      assumeRolePolicy: input.AssumeRolePolicyDocument,
      description: input.Description,
      createDate: new Date(),
      inlinePolicies: new Map(),
      attached: new Set(),
      tags: Object.fromEntries((input.Tags ?? []).map((t: any) => [t.Key, t.Value])),
    };
    this.roles.set(name, role);
    return role;
  }

  private describe(role: Role) {
    return {
      Path: role.path,
      RoleName: role.name,
      RoleId: role.roleId,
      Arn: role.arn,
      CreateDate: role.createDate,
      AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicy),
      Description: role.description,
      MaxSessionDuration: 3600,
    };
  }

  /** The identity policies of a role, inline and attached. */
  policiesOf(role: Role): NamedPolicy[] {
    return [
      ...[...role.inlinePolicies].map(([id, doc]) => ({ id, type: 'IAM Policy' as const, document: parseDocument(doc) })),
      ...[...role.attached].map((arn) => ({ id: arn.split('/').pop()!, type: 'managed' as const, document: MANAGED_POLICIES[arn] as any })),
    ];
  }

  /** The role an ARN names, if it exists here. */
  roleByArn(roleArn: string): Role | undefined {
    const name = /^arn:aws:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(roleArn)?.[1];
    return name ? this.roles.get(name) : undefined;
  }

  /** Whether a role's trust policy lets an AWS service (e.g. states.amazonaws.com) assume it. */
  trusts(role: Role, servicePrincipal: string): boolean {
    const statements = [].concat((parseDocument(role.assumeRolePolicy) as any).Statement ?? []) as any[];
    return statements.some(
      (s) => s.Effect === 'Allow' && [].concat(s.Principal?.Service ?? []).some((p: string) => p === servicePrincipal),
    );
  }

  /** What a role's identity policies decide for one action on one resource, as a service acting for it sees it. */
  decide(role: Role, action: string, resource: string) {
    return evaluate(this.policiesOf(role), action, resource).decision;
  }

  private simulate(input: any) {
    const source = String(input.PolicySourceArn ?? '');
    const match = /^arn:aws:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(source);
    if (!match) throw new AwsError('InvalidInput', `The local cloud simulates policies of roles only; ${source} is not a role ARN.`);
    const role = this.role(match[1]);
    const actions: string[] = input.ActionNames ?? [];
    if (actions.length === 0) throw new AwsError('InvalidInput', 'ActionNames must not be empty.');
    const resources: string[] = input.ResourceArns?.length ? input.ResourceArns : ['*'];
    const policies = this.policiesOf(role);
    const EvaluationResults = actions.flatMap((action) =>
      resources.map((resource) => {
        const result = evaluate(policies, action, resource);
        return {
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: result.decision,
          MatchedStatements: result.matched,
          MissingContextValues: result.missingContext,
        };
      }),
    );
    return { EvaluationResults, IsTruncated: false };
  }
}
