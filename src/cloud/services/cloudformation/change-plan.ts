import type { Change, ResourceChange, ResourceChangeDetail } from '@aws-sdk/client-cloudformation';
import { Evaluation } from './engine.ts';
import { NO_VALUE, resolve } from './intrinsics.ts';
import { requiresReplacement } from './replacement.ts';
import { PROVIDERS } from './resources/registry.ts';
import type { StackRecord } from './stack.ts';
import { creationOrder, type Template } from './template.ts';

/**
 * Marks a value known only once another resource is created or replaced: such a change is
 * "Dynamic", and its value is shown as the reference it waits for, in Fn::Sub's notation
 * (`${Role.Arn}`). A private-use character, which JSON.stringify keeps as it is.
 */
const UNKNOWN = '\uE000unknown:';
const UNKNOWN_VALUE = /\uE000unknown:([^\uE000]*)\uE000/;

/** Resolves the next template against the stack as it is, with unknowns for resources still to be made. */
class PlanScope extends Evaluation {
  readonly pending = new Set<string>();

  override ref(name: string): unknown {
    return this.pending.has(name) ? `${UNKNOWN}${name}\uE000` : super.ref(name);
  }

  override getAtt(logicalId: string, attribute: string): unknown {
    return this.pending.has(logicalId) ? `${UNKNOWN}${logicalId}.${attribute}\uE000` : super.getAtt(logicalId, attribute);
  }
}

const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const shown = (value: unknown) =>
  value === undefined ? undefined : json(value).replace(new RegExp(UNKNOWN_VALUE, 'g'), (_whole, entity: string) => `\${${entity}}`);
const context = (props: Record<string, unknown>) => shown({ Properties: props });

/** The entity (resource, or resource.attribute) a value waits for, if it waits for one. */
function causingEntity(value: unknown): string | undefined {
  return UNKNOWN_VALUE.exec(JSON.stringify(value ?? null))?.[1];
}

/** One ResourceChangeDetail per top-level property that differs between `before` and `after`. */
function details(type: string, before: Record<string, unknown>, after: Record<string, unknown>): ResourceChangeDetail[] {
  const provider = PROVIDERS[type];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names
    .filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))
    .map((name) => {
      const entity = causingEntity(after[name]);
      return {
        Target: {
          Attribute: name === 'Tags' ? 'Tags' : 'Properties',
          Name: name === 'Tags' ? undefined : name,
          RequiresRecreation: requiresReplacement(provider, name) ? 'Always' : 'Never',
          Path: `/Properties/${name}`,
          BeforeValue: shown(before[name]),
          AfterValue: shown(after[name]),
          AttributeChangeType: before[name] === undefined ? 'Add' : after[name] === undefined ? 'Remove' : 'Modify',
        },
        Evaluation: entity ? 'Dynamic' : 'Static',
        ChangeSource: entity ? 'ResourceReference' : 'DirectModification',
        CausingEntity: entity,
      } satisfies ResourceChangeDetail;
    });
}

/** True when any detail certainly replaces the resource, Conditional when one may, else False. */
function replacementOf(all: ResourceChangeDetail[]): ResourceChange['Replacement'] {
  const recreating = all.filter((d) => d.Target?.RequiresRecreation === 'Always');
  if (recreating.some((d) => d.Evaluation === 'Static')) return 'True';
  return recreating.length > 0 ? 'Conditional' : 'False';
}

const change = (resourceChange: ResourceChange): Change => ({ Type: 'Resource', ResourceChange: resourceChange });

/** How a change set with ImportExistingResources finds what to import. */
export interface ImportOptions {
  /** The existing resource a new resource's custom name names, if any. */
  existing(logicalId: string, type: string, props: Record<string, unknown>): Promise<{ physicalId: string } | undefined>;
  /** Whether another stack already holds this resource (it cannot be imported then). */
  heldByAnotherStack(type: string, physicalId: string): boolean;
}

/**
 * Whether a new resource is imported rather than created, by AWS's rules for automatic import:
 * a custom name known before deployment (not waiting for another resource), DeletionPolicy
 * Retain or RetainExceptOnCreate, an existing resource of that name no other stack holds.
 */
async function importable(
  logicalId: string,
  definition: Template['Resources'][string],
  props: Record<string, unknown>,
  options: ImportOptions,
): Promise<string | undefined> {
  if (definition.DeletionPolicy !== 'Retain' && definition.DeletionPolicy !== 'RetainExceptOnCreate') return undefined;
  if (!PROVIDERS[definition.Type]?.adopt || causingEntity(props) !== undefined) return undefined;
  const existing = await options.existing(logicalId, definition.Type, props);
  return existing && !options.heldByAnotherStack(definition.Type, existing.physicalId) ? existing.physicalId : undefined;
}

/**
 * The changes a change set shows: what executing it would add, modify (in place or by
 * replacement, as each provider's replacement rules say, the same rules an update follows) and
 * remove. Values that depend on resources still to be created or replaced are Dynamic.
 */
export async function planChanges(
  stack: StackRecord,
  next: { template: Template; parameters: Record<string, string> },
  exports: (name: string) => string | undefined,
  imports?: ImportOptions,
): Promise<{ changes: Change[]; imported: string[] }> {
  const imported: string[] = [];
  const scope = new PlanScope(stack, next.template, next.parameters, stack.resources, exports);
  const changes: Change[] = [];
  for (const logicalId of creationOrder(next.template)) {
    const definition = next.template.Resources[logicalId];
    if (!scope.included(definition.Condition)) continue;
    const current = stack.resources.get(logicalId);
    const resolved = resolve(definition.Properties ?? {}, scope);
    const props = (resolved === NO_VALUE ? {} : resolved) as Record<string, unknown>;
    if (!current) {
      scope.pending.add(logicalId);
      const physicalId = imports ? await importable(logicalId, definition, props, imports) : undefined;
      if (physicalId) imported.push(logicalId);
      changes.push(
        change({
          Action: physicalId ? 'Import' : 'Add',
          LogicalResourceId: logicalId,
          PhysicalResourceId: physicalId,
          ResourceType: definition.Type,
          Scope: [],
          Details: [],
          AfterContext: context(props),
        }),
      );
      continue;
    }
    const typeChanged = current.type !== definition.Type;
    const changed = details(definition.Type, typeChanged ? {} : current.props, props);
    if (!typeChanged && changed.length === 0) continue;
    const replacement = typeChanged ? 'True' : replacementOf(changed);
    if (replacement !== 'False') scope.pending.add(logicalId);
    const retain = next.template.Resources[logicalId].UpdateReplacePolicy === 'Retain';
    changes.push(
      change({
        Action: 'Modify',
        LogicalResourceId: logicalId,
        PhysicalResourceId: current.physicalId,
        ResourceType: definition.Type,
        Replacement: replacement,
        PolicyAction: replacement === 'False' ? undefined : retain ? 'ReplaceAndRetain' : 'ReplaceAndDelete',
        Scope: [...new Set(changed.map((d) => d.Target!.Attribute!))],
        Details: changed,
        BeforeContext: context(current.props),
        AfterContext: context(props),
      }),
    );
  }
  for (const [logicalId, state] of stack.resources) {
    const definition = next.template.Resources[logicalId];
    if (definition && scope.included(definition.Condition)) continue;
    changes.push(
      change({
        Action: 'Remove',
        LogicalResourceId: logicalId,
        PhysicalResourceId: state.physicalId,
        ResourceType: state.type,
        PolicyAction: stack.template.Resources[logicalId]?.DeletionPolicy === 'Retain' ? 'Retain' : 'Delete',
        Scope: [],
        Details: [],
        BeforeContext: context(state.props),
      }),
    );
  }
  return { changes, imported };
}

/** A change without the property values (what DescribeChangeSet returns unless IncludePropertyValues is set). */
export function withoutValues(item: Change): Change {
  const resourceChange = item.ResourceChange;
  if (!resourceChange) return item;
  const { BeforeContext: _before, AfterContext: _after, ...rest } = resourceChange;
  return {
    ...item,
    ResourceChange: {
      ...rest,
      Details: rest.Details?.map(({ Target, ...detail }) => {
        const { Path: _path, BeforeValue: _b, AfterValue: _a, AttributeChangeType: _t, ...target } = Target ?? {};
        return { ...detail, Target: target };
      }),
    },
  };
}
