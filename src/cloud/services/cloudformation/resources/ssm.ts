import { AwsError } from '../../../aws/errors.ts';
import type { ResourceProvider } from './provider.ts';

/** AWS::SSM::Parameter: a String or StringList parameter (the CDK's bootstrap keeps its version in one). */
export const ssmParameter: ResourceProvider = {
  properties: ['Name', 'Type', 'Value'],
  replaceOn: ['Name'],
  async create(props, context) {
    const Name = props.Name ?? `CFN-${context.logicalId}-${context.generateName(40).split('-').pop()}`;
    if (props.Type !== 'String' && props.Type !== 'StringList') throw new AwsError('ValidationError', `Parameter type ${props.Type} is not supported by AWS::SSM::Parameter (String or StringList).`);
    context.services.ssm.actions.PutParameter({ Name, Type: props.Type, Value: String(props.Value), Overwrite: false }, context);
    return { physicalId: Name, attributes: { Type: props.Type, Value: String(props.Value) } };
  },
  async update(current, props, _previous, context) {
    context.services.ssm.actions.PutParameter({ Name: current.physicalId, Type: props.Type, Value: String(props.Value), Overwrite: true }, context);
    return { physicalId: current.physicalId, attributes: { Type: props.Type, Value: String(props.Value) } };
  },
  async delete(current, _props, context) {
    context.services.ssm.parameters.delete(current.physicalId);
  },
};
