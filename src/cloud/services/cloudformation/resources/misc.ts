import type { ResourceProvider } from './provider.ts';

/** AWS::Logs::LogGroup (a function's log group, when the stack manages it). */
export const logGroup: ResourceProvider = {
  properties: ['LogGroupName', 'RetentionInDays', 'Tags', 'LogGroupClass'],
  replaceOn: ['LogGroupName'],
  async create(props, context) {
    const name = props.LogGroupName ?? context.generateName(512);
    const group = context.services.logs.ensureGroup(name, context);
    group.retentionInDays = props.RetentionInDays === undefined ? undefined : Number(props.RetentionInDays);
    return { physicalId: name, attributes: { Arn: `${group.arn}:*` } };
  },
  async update(current, props, _previous, context) {
    const group = context.services.logs.ensureGroup(current.physicalId, context);
    group.retentionInDays = props.RetentionInDays === undefined ? undefined : Number(props.RetentionInDays);
    return current;
  },
  async delete(current, _props, context) {
    context.services.logs.groups.delete(current.physicalId);
  },
};

/**
 * AWS::CDK::Metadata: the CDK's record of which constructs a stack uses. On AWS it creates
 * nothing either; it is kept so the stack's resource list matches AWS's.
 */
export const cdkMetadata: ResourceProvider = {
  properties: ['Analytics'],
  async create(_props, context) {
    return { physicalId: `${context.stackId.split('/')[2] ?? context.stackName}-${context.logicalId}` };
  },
  async update(current) {
    return current;
  },
  async delete() {},
};
