import { AwsError } from '../../../aws/errors.ts';
import { type ProviderContext, type ResourceProvider, tagList } from './provider.ts';

/** The definition as text: DefinitionString, or Definition (an object), with DefinitionSubstitutions applied. */
function definitionOf(props: Record<string, any>): string {
  if (props.DefinitionS3Location)
    throw new AwsError(
      'ValidationError',
      'DefinitionS3Location is not supported by the local cloud; use Definition or DefinitionString (the CDK does).',
    );
  let text = props.DefinitionString ?? (props.Definition !== undefined ? JSON.stringify(props.Definition) : undefined);
  if (text === undefined) throw new AwsError('ValidationError', 'Either Definition or DefinitionString must be given.');
  for (const [key, value] of Object.entries<unknown>(props.DefinitionSubstitutions ?? {}))
    text = text.split(`\${${key}}`).join(String(value));
  return text;
}

const attributes = (arn: string, context: ProviderContext) => {
  const machine = context.services.stepFunctions.machine(arn);
  return { physicalId: arn, attributes: { Arn: arn, Name: machine.name, StateMachineRevisionId: machine.revisionId } };
};

/** AWS::StepFunctions::StateMachine (STANDARD). */
export const stateMachine: ResourceProvider = {
  properties: [
    'StateMachineName',
    'StateMachineType',
    'DefinitionString',
    'Definition',
    'DefinitionSubstitutions',
    'DefinitionS3Location',
    'RoleArn',
    'LoggingConfiguration',
    'TracingConfiguration',
    'Tags',
  ],
  replaceOn: ['StateMachineName', 'StateMachineType'],
  async create(props, context) {
    const { stateMachineArn } = context.services.stepFunctions.create(
      {
        name: props.StateMachineName ?? context.generateName(80),
        type: props.StateMachineType,
        definition: definitionOf(props),
        roleArn: props.RoleArn,
        loggingConfiguration: props.LoggingConfiguration,
        tracingConfiguration: props.TracingConfiguration,
        tags: Object.entries({ ...context.tags, ...tagList(props.Tags) }).map(([key, value]) => ({ key, value })),
      },
      context,
    );
    return attributes(stateMachineArn, context);
  },
  async update(current, props, _previous, context) {
    const service = context.services.stepFunctions;
    await service.actions.UpdateStateMachine(
      {
        stateMachineArn: current.physicalId,
        definition: definitionOf(props),
        roleArn: props.RoleArn,
        loggingConfiguration: props.LoggingConfiguration,
        tracingConfiguration: props.TracingConfiguration,
      },
      context,
    );
    service.machine(current.physicalId).tags = { ...context.tags, ...tagList(props.Tags) };
    return attributes(current.physicalId, context);
  },
  async delete(current, _props, context) {
    await context.services.stepFunctions.actions.DeleteStateMachine({ stateMachineArn: current.physicalId }, context);
  },
};
