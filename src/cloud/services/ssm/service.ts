import { type ActionTable, arn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';

interface Parameter {
  name: string;
  type: string;
  value: string;
  version: number;
  lastModified: Date;
}

// A parameter's value: "Standard tier parameters support a maximum parameter value of 4096
// characters"; advanced ones 8 KB. Names: letters, digits, `_.-` and `/` for hierarchies, at most
// 1,011 characters. https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html
const MAX_STANDARD_VALUE = 4_096;
const MAX_ADVANCED_VALUE = 8_192;
const NAME = /^[a-zA-Z0-9_.\-/]{1,1011}$/;

/** Refuses a parameter AWS would not store. */
function checkParameter(input: any): void {
  if (typeof input.Name !== 'string' || !NAME.test(input.Name))
    throw new AwsError(
      'ValidationException',
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive), must be 1-1011 characters of a-zA-Z0-9_.-/.',
    );
  if (typeof input.Value !== 'string') throw new AwsError('ValidationException', 'Parameter Value is required and must be a string.');
  const advanced = input.Tier === 'Advanced';
  if (!advanced && input.Value.length > MAX_STANDARD_VALUE)
    throw new AwsError(
      'ValidationException',
      `Standard tier parameters support a maximum parameter value of ${MAX_STANDARD_VALUE} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.`,
    );
  if (advanced && Buffer.byteLength(input.Value) > MAX_ADVANCED_VALUE)
    throw new AwsError('ValidationException', `Advanced tier parameters support a maximum parameter value of ${MAX_ADVANCED_VALUE} bytes.`);
}

/** SSM Parameter Store (String parameters): where the CDK bootstrap records its version. */
export class SsmService {
  readonly parameters = new Map<string, Parameter>();

  readonly actions: ActionTable = {
    PutParameter: (input) => {
      checkParameter(input);
      const existing = this.parameters.get(input.Name);
      if (existing && !input.Overwrite)
        throw new AwsError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      if (!['String', 'StringList', 'SecureString'].includes(input.Type ?? existing?.type ?? 'String'))
        throw new AwsError('ValidationException', `Invalid parameter type ${input.Type}`);
      const version = (existing?.version ?? 0) + 1;
      this.parameters.set(input.Name, {
        name: input.Name,
        type: input.Type ?? existing?.type ?? 'String',
        value: String(input.Value),
        version,
        lastModified: new Date(),
      });
      return { Version: version, Tier: input.Tier === 'Advanced' ? 'Advanced' : 'Standard' };
    },
    GetParameter: (input, context) => ({ Parameter: this.describe(this.get(input.Name), context) }),
    GetParameters: (input, context) => ({
      Parameters: (input.Names ?? [])
        .filter((n: string) => this.parameters.has(n))
        .map((n: string) => this.describe(this.parameters.get(n)!, context)),
      InvalidParameters: (input.Names ?? []).filter((n: string) => !this.parameters.has(n)),
    }),
    DeleteParameter: (input) => {
      if (!this.parameters.delete(input.Name)) throw new AwsError('ParameterNotFound', `Parameter ${input.Name} not found.`);
      return {};
    },
  };

  get(name: string): Parameter {
    const parameter = this.parameters.get(name);
    if (!parameter) throw new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
    return parameter;
  }

  private describe(p: Parameter, context: { region: string; accountId: string }) {
    return {
      Name: p.name,
      Type: p.type,
      Value: p.value,
      Version: p.version,
      LastModifiedDate: p.lastModified,
      ARN: arn('ssm', context, `parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`),
      DataType: 'text',
    };
  }
}
