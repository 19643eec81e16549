import { randomBytes } from 'node:crypto';
import { AwsError } from '../../../aws/errors.ts';
import type { ProviderContext, ResourceProvider } from './provider.ts';

// LIMITATIONS: String and StringList parameters of the Standard tier, data type `text`; tags are
// accepted and not kept (the local Parameter Store has no tags); parameter policies (an Advanced
// tier feature) are refused by name.

function checked(props: Record<string, any>): { Type: string; Value: string } {
  const Type = String(props.Type);
  // CloudFormation itself cannot create SecureString parameters.
  if (!['String', 'StringList'].includes(Type))
    throw new AwsError('ValidationError', `AWS::SSM::Parameter Type must be String or StringList, not ${Type}.`);
  if (props.Tier !== undefined && props.Tier !== 'Standard')
    throw new AwsError('ValidationError', `The local Parameter Store keeps Standard parameters only (Tier ${props.Tier}).`);
  if (props.Policies !== undefined)
    throw new AwsError(
      'ValidationError',
      'The local Parameter Store does not apply parameter policies (Policies): remove them, or try this stack on AWS.',
    );
  if (props.DataType !== undefined && props.DataType !== 'text')
    throw new AwsError('ValidationError', `The local Parameter Store does not validate DataType ${props.DataType}; only text.`);
  const Value = String(props.Value);
  if (props.AllowedPattern !== undefined && !new RegExp(String(props.AllowedPattern)).test(Value)) {
    throw new AwsError('ValidationException', `Parameter value, cannot be validated against allowedPattern: ${props.AllowedPattern}`);
  }
  return { Type, Value };
}

function put(name: string, props: Record<string, any>, overwrite: boolean, context: ProviderContext) {
  const { Type, Value } = checked(props);
  context.services.ssm.actions.PutParameter({ Name: name, Type, Value, Overwrite: overwrite }, context);
  return { physicalId: name, attributes: { Type, Value } };
}

/**
 * AWS::SSM::Parameter, in the local Parameter Store. Ref is the parameter's name, as on AWS; an
 * unnamed parameter gets a name such as `CFN-LogicalId-AbCdEf123456`.
 */
export const ssmParameter: ResourceProvider = {
  properties: ['Name', 'Type', 'Value', 'Description', 'Tags', 'Tier', 'AllowedPattern', 'DataType', 'Policies'],
  replaceOn: ['Name'],
  async create(props, context) {
    const name = props.Name === undefined ? `CFN-${context.logicalId}-${randomBytes(9).toString('base64url')}` : String(props.Name);
    return put(name, props, false, context);
  },
  async update(current, props, _previous, context) {
    return put(current.physicalId, props, true, context);
  },
  async delete(current, _props, context) {
    context.services.ssm.parameters.delete(current.physicalId);
  },
};
