import type { ResourceProvider } from './provider.ts';

const doc = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** AWS::IAM::Role, with inline Policies and ManagedPolicyArns. */
export const iamRole: ResourceProvider = {
  properties: [
    'AssumeRolePolicyDocument',
    'ManagedPolicyArns',
    'Policies',
    'RoleName',
    'Path',
    'Description',
    'Tags',
    'MaxSessionDuration',
  ],
  replaceOn: ['RoleName', 'Path'],
  async create(props, context) {
    const iam = context.services.iam;
    const RoleName = props.RoleName ?? context.generateName(64);
    iam.actions.CreateRole(
      {
        RoleName,
        Path: props.Path,
        Description: props.Description,
        AssumeRolePolicyDocument: doc(props.AssumeRolePolicyDocument),
        Tags: props.Tags,
      },
      context,
    );
    try {
      await applyPolicies(RoleName, props, {}, context);
    } catch (error) {
      await iamRole.delete({ physicalId: RoleName }, props, context);
      throw error;
    }
    const role = iam.role(RoleName);
    return { physicalId: RoleName, attributes: { Arn: role.arn, RoleId: role.roleId } };
  },
  async update(current, props, previous, context) {
    const iam = context.services.iam;
    iam.actions.UpdateAssumeRolePolicy({ RoleName: current.physicalId, PolicyDocument: doc(props.AssumeRolePolicyDocument) }, context);
    await applyPolicies(current.physicalId, props, previous, context);
    return current;
  },
  async delete(current, _props, context) {
    const iam = context.services.iam;
    if (!iam.roles.has(current.physicalId)) return;
    const role = iam.role(current.physicalId);
    role.inlinePolicies.clear();
    role.attached.clear();
    iam.actions.DeleteRole({ RoleName: current.physicalId }, context);
  },
};

async function applyPolicies(
  roleName: string,
  props: Record<string, any>,
  previous: Record<string, any>,
  context: Parameters<ResourceProvider['create']>[1],
) {
  const iam = context.services.iam;
  const wanted = new Set<string>(props.ManagedPolicyArns ?? []);
  for (const arn of previous.ManagedPolicyArns ?? [])
    if (!wanted.has(arn)) iam.actions.DetachRolePolicy({ RoleName: roleName, PolicyArn: arn }, context);
  for (const arn of wanted) iam.actions.AttachRolePolicy({ RoleName: roleName, PolicyArn: arn }, context);
  const inline = new Map<string, unknown>((props.Policies ?? []).map((p: any) => [p.PolicyName, p.PolicyDocument]));
  for (const p of previous.Policies ?? [])
    if (!inline.has(p.PolicyName)) iam.actions.DeleteRolePolicy({ RoleName: roleName, PolicyName: p.PolicyName }, context);
  for (const [name, document] of inline)
    iam.actions.PutRolePolicy({ RoleName: roleName, PolicyName: name, PolicyDocument: doc(document) }, context);
}

/** AWS::IAM::Policy: an inline policy put on each of its Roles (the CDK's grants land here). */
export const iamPolicy: ResourceProvider = {
  properties: ['PolicyDocument', 'PolicyName', 'Roles'],
  async create(props, context) {
    for (const role of props.Roles ?? [])
      context.services.iam.actions.PutRolePolicy(
        { RoleName: role, PolicyName: props.PolicyName, PolicyDocument: doc(props.PolicyDocument) },
        context,
      );
    return { physicalId: `${context.stackName.slice(0, 10)}-${props.PolicyName}`.slice(0, 128), attributes: {} };
  },
  async update(current, props, previous, context) {
    const iam = context.services.iam;
    for (const role of previous.Roles ?? []) {
      if (!(props.Roles ?? []).includes(role) || previous.PolicyName !== props.PolicyName) {
        if (iam.roles.get(role)?.inlinePolicies.has(previous.PolicyName))
          iam.actions.DeleteRolePolicy({ RoleName: role, PolicyName: previous.PolicyName }, context);
      }
    }
    await iamPolicy.create(props, context);
    return current;
  },
  async delete(_current, props, context) {
    const iam = context.services.iam;
    for (const role of props.Roles ?? []) {
      if (iam.roles.get(role)?.inlinePolicies.has(props.PolicyName))
        iam.actions.DeleteRolePolicy({ RoleName: role, PolicyName: props.PolicyName }, context);
    }
  },
};
