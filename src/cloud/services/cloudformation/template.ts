import { validationError } from './errors.ts';
import { references } from './intrinsics.ts';
import { PROVIDERS } from './resources/registry.ts';

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

const KNOWN_SECTIONS = ['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Conditions', 'Mappings', 'Rules', 'Resources', 'Outputs', 'Metadata', 'Transform'];

/** Parses and checks a template before any resource is touched, as CloudFormation validates it. */
export function parseTemplate(body: string): Template {
  let template: Template;
  try {
    template = JSON.parse(body);
  } catch {
    const looksLikeYaml = /^\s*[A-Za-z]+:/m.test(body);
    throw validationError(looksLikeYaml ? 'Template format error: the local cloud reads JSON templates (what the CDK synthesizes); YAML is not supported.' : 'Template format error: JSON not well-formed.');
  }
  if (!template || typeof template !== 'object') throw validationError('Template format error: the template must be a JSON object.');
  for (const section of Object.keys(template)) {
    if (!KNOWN_SECTIONS.includes(section)) throw validationError(`Template format error: Invalid template property or properties [${section}]`);
  }
  if (template.Transform) throw validationError('Template format error: the local cloud does not support Transform (macros such as AWS::Serverless).');
  if (!template.Resources || Object.keys(template.Resources).length === 0) throw validationError('Template format error: At least one Resources member must be defined.');
  const unsupported = [...new Set(Object.values(template.Resources).map((r) => r?.Type).filter((type) => !PROVIDERS[type]))];
  if (unsupported.length > 0) {
    throw validationError(`Template format error: the local cloud does not support the resource types [${unsupported.join(', ')}]. It deploys: ${Object.keys(PROVIDERS).join(', ')}.`);
  }
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (!/^[A-Za-z0-9]+$/.test(logicalId)) throw validationError(`Template format error: Resource name ${logicalId} is non alphanumeric.`);
    for (const dependency of dependenciesOf(resource)) {
      if (!template.Resources[dependency] && !template.Parameters?.[dependency] && !dependency.startsWith('AWS::')) {
        throw validationError(`Template format error: Unresolved resource dependencies [${dependency}] in the Resources block of the template`);
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
