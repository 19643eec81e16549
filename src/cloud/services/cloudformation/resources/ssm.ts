import { AwsError } from '../../../aws/errors.ts';
import type { ProviderContext, ResourceProvider } from './provider.ts';

// AWS::SSM::Parameter: String and StringList parameters (CloudFormation creates no SecureString),
// in the standard tier, with a description and tags. Ref is the name; GetAtt Type and Value.

const tagMap = (tags: unknown): Record<string, string> =>
  tags && typeof tags === 'object' && !Array.isArray(tags) ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])) : {};

function check(props: Record<string, any>): void {
  if (!['String', 'StringList'].includes(String(props.Type)))
    throw new AwsError(
      'ValidationError',
      `AWS::SSM::Parameter Type must be String or StringList (CloudFormation does not create ${props.Type} parameters).`,
    );
  if (props.Tier !== undefined && props.Tier !== 'Standard')
    throw new AwsError('ValidationError', `The local cloud keeps standard parameters only; Tier ${props.Tier} is not supported.`);
  if (props.Policies !== undefined)
    throw new AwsError(
      'ValidationError',
      'The local Parameter Store does not apply parameter policies (Policies, an Advanced-tier feature): remove them, or try this stack on AWS.',
    );
  if (props.DataType !== undefined && props.DataType !== 'text')
    throw new AwsError('ValidationError', `The local cloud keeps text parameters only; DataType ${props.DataType} is not supported.`);
  if (props.AllowedPattern !== undefined && !new RegExp(String(props.AllowedPattern)).test(String(props.Value))) {
    throw new AwsError('ValidationError', `Parameter value, cannot be validated against allowedPattern: ${props.AllowedPattern}`);
  }
}

async function put(name: string, props: Record<string, any>, context: ProviderContext, overwrite: boolean): Promise<void> {
  check(props);
  const Tags = Object.entries({ ...context.tags, ...tagMap(props.Tags) }).map(([Key, Value]) => ({ Key, Value }));
  await context.services.ssm.actions.PutParameter(
    {
      Name: name,
      Type: props.Type,
      Value: String(props.Value),
      Description: props.Description,
      Overwrite: overwrite,
      Tags: overwrite ? undefined : Tags,
    },
    context,
  );
  if (overwrite) {
    const parameter = context.services.ssm.get(name);
    parameter.tags = Object.fromEntries(Tags.map((t) => [t.Key, t.Value]));
  }
}

export const ssmParameter: ResourceProvider = {
  properties: ['Name', 'Type', 'Value', 'Description', 'Tags', 'Tier', 'DataType', 'AllowedPattern', 'Policies'],
  replaceOn: ['Name'],
  async create(props, context) {
    const name = props.Name ?? context.generateName(2048);
    if (context.services.ssm.parameters.has(name)) throw new AwsError('AlreadyExists', `${name} already exists`);
    await put(name, props, context, false);
    return { physicalId: name, attributes: { Type: props.Type, Value: String(props.Value) } };
  },
  async update(current, props, _previous, context) {
    await put(current.physicalId, props, context, true);
    return { physicalId: current.physicalId, attributes: { Type: props.Type, Value: String(props.Value) } };
  },
  async delete(current, _props, context) {
    context.services.ssm.parameters.delete(current.physicalId);
  },
};
