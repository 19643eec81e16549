import { AwsError } from '../../../aws/errors.ts';
import { type ResourceProvider, tagList } from './provider.ts';

/**
 * AWS::Logs::LogGroup (a function's log group, when the stack manages it). As on AWS, a group that
 * already exists is not taken over: the resource fails (a function that ran before its stack
 * managed its group has one already; delete it, or deploy the stack before the function runs).
 */
export const logGroup: ResourceProvider = {
  properties: ['LogGroupName', 'RetentionInDays', 'Tags', 'LogGroupClass'],
  replaceOn: ['LogGroupName'],
  async create(props, context) {
    const name = props.LogGroupName ?? context.generateName(512);
    if (context.services.logs.groups.has(name))
      throw new AwsError('AlreadyExists', `Resource of type 'AWS::Logs::LogGroup' with identifier '${name}' already exists.`);
    const group = context.services.logs.ensureGroup(name, context, { ...context.tags, ...tagList(props.Tags) });
    group.retentionInDays = props.RetentionInDays === undefined ? undefined : Number(props.RetentionInDays);
    group.tags = { ...context.tags, ...tagList(props.Tags) };
    return { physicalId: name, attributes: { Arn: `${group.arn}:*` } };
  },
  async update(current, props, _previous, context) {
    const group = context.services.logs.ensureGroup(current.physicalId, context);
    group.tags = { ...context.tags, ...tagList(props.Tags) };
    group.retentionInDays = props.RetentionInDays === undefined ? undefined : Number(props.RetentionInDays);
    return current;
  },
  async delete(current, _props, context) {
    context.services.logs.deleteGroup(current.physicalId);
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

/**
 * Custom::LogRetention, what a function's (deprecated) `logRetention` synthesizes: the log group
 * is created if needed and given its retention. Its CDK handler replies to CloudFormation over
 * HTTPS, which cannot reach the local cloud, so this is done natively (the handler still deploys).
 * As that handler does, the group is deleted with the stack only under RemovalPolicy "destroy".
 */
export const logRetention: ResourceProvider = {
  properties: ['ServiceToken', 'LogGroupName', 'RetentionInDays', 'LogGroupRegion', 'RemovalPolicy', 'SdkRetry'],
  replaceOn: ['LogGroupName', 'LogGroupRegion'],
  async create(props, context) {
    if (props.LogGroupRegion && props.LogGroupRegion !== context.region)
      throw new AwsError('ValidationError', "The local cloud keeps log groups in the stack's own region only (LogGroupRegion).");
    // As on AWS, the handler the ServiceToken names must exist.
    context.services.lambda.fn(String(props.ServiceToken), context);
    const group = context.services.logs.ensureGroup(String(props.LogGroupName), context);
    // RetentionInDays "Infinity" (RetentionDays.INFINITE) removes the retention policy.
    group.retentionInDays =
      props.RetentionInDays === undefined || String(props.RetentionInDays) === 'Infinity' ? undefined : Number(props.RetentionInDays);
    return { physicalId: String(props.LogGroupName), attributes: { LogGroupName: String(props.LogGroupName) } };
  },
  async update(_current, props, _previous, context) {
    return logRetention.create(props, context);
  },
  async delete(current, props, context) {
    if (String(props.RemovalPolicy).toLowerCase() === 'destroy') context.services.logs.deleteGroup(current.physicalId);
  },
};
