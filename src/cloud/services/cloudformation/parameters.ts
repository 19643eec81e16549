import { AwsError } from '../../aws/errors.ts';
import type { SsmService } from '../ssm/service.ts';
import type { Evaluation } from './engine.ts';
import { validationError } from './errors.ts';
import { resolve } from './intrinsics.ts';
import type { Template, TemplateParameter } from './template.ts';

/**
 * Resolves parameter values: given values, else previous values (UsePreviousValue), else
 * defaults; SSM parameter types are read from Parameter Store, as CloudFormation does. `previous`
 * holds what was given before (for SSM types, the Parameter Store name); `ssmNames` what was
 * given now for SSM types, which a stack keeps beside the resolved values.
 */
export function resolveParameters(
  template: Template,
  given: { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean | string }[],
  previous: Record<string, string>,
  ssm: SsmService,
): { values: Record<string, string>; ssmNames: Record<string, string> } {
  const declared = template.Parameters ?? {};
  // The query protocol sends an empty list as an empty string (Parameters=).
  given = Array.isArray(given) ? given : [];
  const values: Record<string, string> = {};
  const ssmNames: Record<string, string> = {};
  for (const p of given) {
    if (!declared[p.ParameterKey]) throw validationError(`Parameters: [${p.ParameterKey}] do not exist in the template`);
  }
  const missing: string[] = [];
  for (const [name, definition] of Object.entries(declared)) {
    const input = given.find((p) => p.ParameterKey === name);
    let value: string | undefined;
    if (input && String(input.UsePreviousValue) === 'true') value = previous[name];
    else if (input?.ParameterValue !== undefined) value = input.ParameterValue;
    else if (definition.Default !== undefined) value = String(definition.Default);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    if (definition.AllowedValues && !definition.AllowedValues.map(String).includes(value)) {
      throw validationError(`Parameter '${name}' must be one of AllowedValues`);
    }
    checkConstraints(name, definition, value);
    if (definition.Type.startsWith('AWS::SSM::Parameter::Value<')) {
      ssmNames[name] = value;
      try {
        value = ssm.get(value).value;
      } catch {
        throw validationError(`Unable to fetch parameters [${value}] from parameter store for this account.`);
      }
    }
    values[name] = value;
  }
  if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
  return { values, ssmNames };
}

/** What a stack's parameters were given: for SSM types the Parameter Store name, else the value (what UsePreviousValue reuses). */
export function givenParameters(stack: {
  parameters: Record<string, string>;
  ssmParameterNames?: Record<string, string>;
}): Record<string, string> {
  return { ...stack.parameters, ...stack.ssmParameterNames };
}

/** Parameters as DescribeStacks and DescribeChangeSet show them: an SSM type's name, with the value it resolved to. */
export function describeParameters(values: Record<string, string>, ssmNames: Record<string, string> = {}) {
  return Object.entries(values).map(([ParameterKey, value]) =>
    ParameterKey in ssmNames
      ? { ParameterKey, ParameterValue: ssmNames[ParameterKey], ResolvedValue: value }
      : { ParameterKey, ParameterValue: value },
  );
}

/**
 * The constraints CloudFormation checks on a parameter's value before it deploys anything: a
 * Number is a number within MinValue..MaxValue, a String matches AllowedPattern and has
 * MinLength..MaxLength characters. A ConstraintDescription, when given, is the message.
 */
function checkConstraints(name: string, definition: TemplateParameter, value: string): void {
  const fail = (message: string): never => {
    throw validationError(
      definition.ConstraintDescription ? `Parameter ${name} failed to satisfy constraint: ${definition.ConstraintDescription}` : message,
    );
  };
  if (definition.Type === 'Number') {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number)) fail(`Parameter '${name}' must be a number.`);
    if (definition.MinValue !== undefined && number < Number(definition.MinValue))
      fail(`Parameter '${name}' must be a number not less than ${definition.MinValue}`);
    if (definition.MaxValue !== undefined && number > Number(definition.MaxValue))
      fail(`Parameter '${name}' must be a number not greater than ${definition.MaxValue}`);
  }
  if (definition.Type === 'String') {
    if (definition.MinLength !== undefined && value.length < Number(definition.MinLength))
      fail(`Parameter '${name}' must contain at least ${definition.MinLength} characters`);
    if (definition.MaxLength !== undefined && value.length > Number(definition.MaxLength))
      fail(`Parameter '${name}' must contain at most ${definition.MaxLength} characters`);
    // CloudFormation matches the whole value against the pattern.
    if (definition.AllowedPattern !== undefined && !new RegExp(`^(?:${definition.AllowedPattern})$`).test(value))
      fail(`Parameter '${name}' must match pattern ${definition.AllowedPattern}`);
  }
}

/** Checks the template's Rules (the CDK's bootstrap version check is one) before anything is created. */
export function checkRules(template: Template, evaluation: Evaluation): void {
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && resolve(rule.RuleCondition, evaluation) !== true) continue;
    for (const assertion of rule.Assertions ?? []) {
      if (resolve(assertion.Assert, evaluation) !== true) {
        throw validationError(assertion.AssertDescription ?? `Template rule ${name} failed`);
      }
    }
  }
}

const IAM_TYPES = [
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::InstanceProfile',
];
const NAMES = ['RoleName', 'UserName', 'GroupName', 'ManagedPolicyName'];

/** The capability a template needs (its IAM resources, named or not), and the resources that need it. */
export function requiredCapability(
  template: Template,
): { capability: 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM'; types: string[] } | undefined {
  const iam = Object.values(template.Resources).filter((r) => IAM_TYPES.includes(r.Type));
  if (iam.length === 0) return undefined;
  const named = iam.some((r) => r.Properties && NAMES.some((name) => name in r.Properties!));
  return { capability: named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM', types: [...new Set(iam.map((r) => r.Type))] };
}

/** CloudFormation refuses templates with IAM resources unless the caller acknowledges them. */
export function checkCapabilities(template: Template, capabilities: string[]): void {
  const required = requiredCapability(template);
  if (!required) return;
  if (required.capability === 'CAPABILITY_NAMED_IAM' && !capabilities.includes('CAPABILITY_NAMED_IAM')) {
    throw new AwsError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_NAMED_IAM]');
  }
  if (!capabilities.includes('CAPABILITY_IAM') && !capabilities.includes('CAPABILITY_NAMED_IAM')) {
    throw new AwsError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_IAM]');
  }
}
