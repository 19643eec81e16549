import { type ActionTable, arn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';

// LIMITATIONS: Parameter Store only, standard tier: String, StringList and SecureString
// parameters (SecureString kept as plain text, no KMS), with descriptions and tags; no
// queries by path (GetParametersByPath), history, labels or parameter policies.

interface Parameter {
  name: string;
  type: string;
  value: string;
  version: number;
  lastModified: Date;
  description?: string;
  tags?: Record<string, string>;
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

const TYPES = ['String', 'StringList', 'SecureString'];

/** SSM Parameter Store: where the CDK bootstrap records its version, and labs keep switches. */
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
      if (existing && input.Tags?.length)
        throw new AwsError(
          'ValidationException',
          "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        );
      const type = input.Type ?? existing?.type ?? 'String';
      if (!TYPES.includes(type)) throw new AwsError('ValidationException', `Invalid parameter type ${input.Type}`);
      const version = (existing?.version ?? 0) + 1;
      const tags = existing?.tags ?? Object.fromEntries((input.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
      this.parameters.set(input.Name, {
        name: input.Name,
        type,
        value: String(input.Value),
        version,
        lastModified: new Date(),
        description: input.Description ?? existing?.description,
        tags,
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
    AddTagsToResource: (input) => {
      const parameter = this.tagged(input);
      for (const { Key, Value } of input.Tags ?? []) parameter.tags = { ...parameter.tags, [Key]: Value };
      return {};
    },
    RemoveTagsFromResource: (input) => {
      const parameter = this.tagged(input);
      for (const key of input.TagKeys ?? []) delete parameter.tags?.[key];
      return {};
    },
    ListTagsForResource: (input) => ({ TagList: Object.entries(this.tagged(input).tags ?? {}).map(([Key, Value]) => ({ Key, Value })) }),
  };

  get(name: string): Parameter {
    const parameter = this.parameters.get(name);
    if (!parameter) throw new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
    return parameter;
  }

  /** The parameter a tagging request names (ResourceType "Parameter", ResourceId its name). */
  private tagged(input: { ResourceType?: string; ResourceId?: string }): Parameter {
    if (input.ResourceType !== 'Parameter')
      throw new AwsError('InvalidResourceType', `The local cloud tags parameters only, not ${input.ResourceType}.`);
    const parameter = this.parameters.get(String(input.ResourceId));
    if (!parameter) throw new AwsError('InvalidResourceId', `The parameter ${input.ResourceId} does not exist.`);
    return parameter;
  }

  private describe(p: Parameter, context: Pick<RequestContext, 'region' | 'accountId'>) {
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
