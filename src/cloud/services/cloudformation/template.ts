import { validationError } from './errors.ts';
import { references } from './intrinsics.ts';
import { PROVIDERS } from './resources/registry.ts';
import { parseYamlTemplate } from './template-yaml.ts';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot' | 'RetainExceptOnCreate';
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
}

/** A parameter as the template declares it, with the constraints CloudFormation checks on deploy. */
export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinValue?: number | string;
  MaxValue?: number | string;
  MinLength?: number | string;
  MaxLength?: number | string;
  ConstraintDescription?: string;
  NoEcho?: boolean | string;
  Description?: string;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, TemplateParameter>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions: { Assert: unknown; AssertDescription?: string }[] }>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string; Export?: { Name: unknown }; Condition?: string }>;
  Transform?: unknown;
  Metadata?: unknown;
}

const KNOWN_SECTIONS = [
  'AWSTemplateFormatVersion',
  'Description',
  'Parameters',
  'Conditions',
  'Mappings',
  'Rules',
  'Resources',
  'Outputs',
  'Metadata',
  'Transform',
];

/** Reads a template body: JSON (what the CDK synthesizes) or YAML (what the CDK toolkit sends). */
function readBody(body: string): Template {
  if (/^\s*[{[]/.test(body)) {
    try {
      return JSON.parse(body);
    } catch {
      throw validationError('Template format error: JSON not well-formed.');
    }
  }
  try {
    return parseYamlTemplate(body) as Template;
  } catch (error) {
    const position = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw validationError(
      `Template format error: YAML not well-formed.${position ? ` (line ${position.line}, column ${position.col})` : ''}`,
    );
  }
}

/**
 * Resource types the local cloud cannot deploy among those `included` says are part of the stack.
 * A resource whose condition is false is never created, so its type needs no support.
 */
export function unsupportedTypes(template: Template, included: (condition: string | undefined) => boolean): string[] {
  return [
    ...new Set(
      Object.values(template.Resources)
        .filter((r) => !PROVIDERS[r?.Type] && included(r?.Condition))
        .map((r) => r?.Type),
    ),
  ];
}

/** The error naming resource types the local cloud does not deploy. */
export function unsupportedTypesError(types: string[]) {
  return validationError(
    `Template format error: the local cloud does not support the resource types [${types.join(', ')}]. It deploys: ${Object.keys(PROVIDERS).join(', ')}.`,
  );
}

/**
 * Parses and checks a template before any resource is touched, as CloudFormation validates it.
 * Types of resources with a condition are checked once the condition is known (see unsupportedTypes).
 */
export function parseTemplate(body: string): Template {
  const template = readBody(body);
  if (!template || typeof template !== 'object' || Array.isArray(template))
    throw validationError('Template format error: the template must be a JSON or YAML object.');
  for (const section of Object.keys(template)) {
    if (!KNOWN_SECTIONS.includes(section))
      throw validationError(`Template format error: Invalid template property or properties [${section}]`);
  }
  if (template.Transform)
    throw validationError('Template format error: the local cloud does not support Transform (macros such as AWS::Serverless).');
  if (!template.Resources || Object.keys(template.Resources).length === 0)
    throw validationError('Template format error: At least one Resources member must be defined.');
  const unsupported = unsupportedTypes(template, (condition) => condition === undefined);
  if (unsupported.length > 0) throw unsupportedTypesError(unsupported);
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (!/^[A-Za-z0-9]+$/.test(logicalId)) throw validationError(`Template format error: Resource name ${logicalId} is non alphanumeric.`);
    for (const dependency of dependenciesOf(resource)) {
      if (!template.Resources[dependency] && !template.Parameters?.[dependency] && !dependency.startsWith('AWS::')) {
        throw validationError(
          `Template format error: Unresolved resource dependencies [${dependency}] in the Resources block of the template`,
        );
      }
    }
  }
  return template;
}

/** The logical ids a resource depends on: DependsOn plus every Ref, GetAtt and Sub reference. */
export function dependenciesOf(resource: TemplateResource): Set<string> {
  const deps = references(resource.Properties ?? {});
  for (const d of [resource.DependsOn ?? []].flat()) deps.add(d);
  return deps;
}

/** Resources in an order where each comes after what it depends on; a cycle is a validation error. */
export function creationOrder(template: Template): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw validationError(`Circular dependency between resources: [${[...path, id].join(', ')}]`);
    state.set(id, 'visiting');
    for (const dep of dependenciesOf(template.Resources[id])) if (template.Resources[dep]) visit(dep, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(template.Resources)) visit(id, []);
  return order;
}
