import { type ActionTable, arn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';

interface Parameter {
  name: string;
  type: string;
  value: string;
  version: number;
  lastModified: Date;
}

/** SSM Parameter Store (String parameters): where the CDK bootstrap records its version. */
export class SsmService {
  readonly parameters = new Map<string, Parameter>();

  readonly actions: ActionTable = {
    PutParameter: (input) => {
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
      return { Version: version, Tier: 'Standard' };
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
