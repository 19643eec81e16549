import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from '../../aws/errors.ts';
import type { CloudServices } from '../../services.ts';
import { ResourceFailure, validationError } from './errors.ts';
import { NO_VALUE, type ResolveScope, resolve } from './intrinsics.ts';
import { requiresReplacement } from './replacement.ts';
import type { ProviderContext, ProvisionedResource, ResourceProvider } from './resources/provider.ts';
import { PROVIDERS } from './resources/registry.ts';
import type { ResourceState, StackRecord } from './stack.ts';
import { creationOrder, type Template } from './template.ts';

/** The state one template evaluation sees: parameters, conditions and the resources so far. */
export class Evaluation implements ResolveScope {
  private readonly conditionCache = new Map<string, boolean>();
  readonly mappings: Template['Mappings'] & object;

  constructor(
    readonly stack: StackRecord,
    readonly template: Template,
    readonly parameters: Record<string, string>,
    readonly resources: Map<string, ResourceState>,
    private readonly exports: (name: string) => string | undefined,
  ) {
    this.mappings = template.Mappings ?? {};
  }

  ref(name: string): unknown {
    const { stackId, name: stackName } = this.stack;
    const region = stackId.split(':')[3];
    switch (name) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return stackId.split(':')[4];
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return stackId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NotificationARNs':
        return [];
    }
    if (name in this.parameters) {
      const type = this.template.Parameters?.[name]?.Type ?? 'String';
      const value = this.parameters[name];
      return type.startsWith('List<') || type === 'CommaDelimitedList' ? value.split(',') : value;
    }
    const resource = this.resources.get(name);
    if (!resource?.physicalId)
      throw validationError(`Template error: instance of Fn::GetAtt or Ref references ${name}, which does not exist or is not yet created`);
    return resource.physicalId;
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.resources.get(logicalId);
    if (!resource?.physicalId) throw validationError(`Template error: instance of Fn::GetAtt references undefined resource ${logicalId}`);
    if (!(attribute in resource.attributes)) {
      throw validationError(
        `Template error: resource ${logicalId} (${resource.type}) does not support attribute type ${attribute} in Fn::GetAtt (the local cloud provides: ${Object.keys(resource.attributes).join(', ') || 'none'})`,
      );
    }
    return resource.attributes[attribute];
  }

  condition(name: string): boolean {
    if (!this.conditionCache.has(name)) {
      const definition = this.template.Conditions?.[name];
      if (definition === undefined) throw validationError(`Template format error: Unresolved condition dependency ${name}`);
      this.conditionCache.set(name, resolve(definition, this) === true);
    }
    return this.conditionCache.get(name)!;
  }

  azs(region: string): string[] {
    return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
  }

  importValue(name: string): unknown {
    const value = this.exports(name);
    if (value === undefined) throw validationError(`No export named ${name} found.`);
    return value;
  }

  /** Whether a resource or output with `condition` is part of the stack. */
  included(condition: string | undefined): boolean {
    return condition === undefined || this.condition(condition);
  }
}

/** Runs create, update and delete of stacks against the cloud's services, with rollback. */
export class StackEngine {
  constructor(
    private readonly services: CloudServices,
    private readonly exports: (name: string) => string | undefined,
  ) {}

  private event(stack: StackRecord, logicalId: string, type: string, status: string, physicalId?: string, reason?: string): void {
    stack.events.push({
      EventId: randomUUID(),
      StackId: stack.stackId,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId,
      ResourceType: type,
      Timestamp: new Date(),
      ResourceStatus: status,
      ResourceStatusReason: reason,
    });
    this.services.activity.emit('cloudformation.resource-status', stack.stackId, {
      stackName: stack.name,
      logicalId,
      resourceType: type,
      status,
      reason,
    });
  }

  setStackStatus(stack: StackRecord, status: string, reason?: string): void {
    stack.status = status;
    stack.statusReason = reason;
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', status, stack.stackId, reason);
  }

  private context(stack: StackRecord, logicalId: string): ProviderContext {
    const [, , , region, accountId] = stack.stackId.split(':');
    return {
      region,
      accountId,
      requestId: randomUUID(),
      services: this.services,
      stackName: stack.name,
      stackId: stack.stackId,
      logicalId,
      tags: {
        ...stack.tags,
        'aws:cloudformation:stack-name': stack.name,
        'aws:cloudformation:stack-id': stack.stackId,
        'aws:cloudformation:logical-id': logicalId,
      },
      generateName(maxLength, options = {}) {
        const random = randomBytes(8).toString('hex').toUpperCase().slice(0, 12);
        const suffix = options.suffix ?? '';
        const budget = maxLength - suffix.length - random.length - 2;
        const stackPart = stack.name.slice(0, Math.max(1, Math.floor(budget / 2)));
        const logicalPart = logicalId.slice(0, Math.max(1, budget - stackPart.length));
        const name = `${stackPart}-${logicalPart}-${random}${suffix}`;
        return options.lowercase ? name.toLowerCase() : name;
      },
    };
  }

  private resolveProps(evaluation: Evaluation, logicalId: string): Record<string, any> {
    const definition = evaluation.template.Resources[logicalId];
    const provider = PROVIDERS[definition.Type];
    const props = resolve(definition.Properties ?? {}, evaluation) as Record<string, any>;
    if (props === (NO_VALUE as unknown)) return {};
    const unknown = Object.keys(props).filter((name) => !provider.properties.includes(name));
    if (unknown.length > 0) {
      throw new ResourceFailure(
        logicalId,
        definition.Type,
        `Properties [${unknown.join(', ')}] of ${definition.Type} are not supported by the local cloud (it applies: ${provider.properties.join(', ')}).`,
      );
    }
    return props;
  }

  private async runProvider<T>(_stack: StackRecord, logicalId: string, type: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ResourceFailure) throw error;
      const reason =
        error instanceof AwsError
          ? `${error.message} (Service: ${type.split('::')[1]}, Status Code: ${error.status}, Error Code: ${error.code})`
          : (error as Error).message;
      throw new ResourceFailure(logicalId, type, reason);
    }
  }

  /**
   * Creates one resource, or with `adopt` takes in the existing one its custom name names (a
   * change set's ImportExistingResources): imported as it is, its properties left unapplied.
   */
  private async createResource(
    stack: StackRecord,
    evaluation: Evaluation,
    logicalId: string,
    into: Map<string, ResourceState>,
    adopt = false,
  ): Promise<ResourceState> {
    const { Type: type } = evaluation.template.Resources[logicalId];
    const verb = adopt ? 'IMPORT' : 'CREATE';
    this.event(stack, logicalId, type, `${verb}_IN_PROGRESS`);
    try {
      const props = this.resolveProps(evaluation, logicalId);
      const provider = PROVIDERS[type];
      const provisioned = await this.runProvider(stack, logicalId, type, async () => {
        if (!adopt) return provider.create(props, this.context(stack, logicalId));
        const existing = await provider.adopt?.(props, this.context(stack, logicalId));
        if (!existing) throw new ResourceFailure(logicalId, type, `The resource to import no longer exists.`);
        return existing;
      });
      const state: ResourceState = {
        logicalId,
        type,
        physicalId: provisioned.physicalId,
        attributes: provisioned.attributes ?? {},
        props,
        status: `${verb}_COMPLETE`,
        updated: new Date(),
      };
      into.set(logicalId, state);
      this.event(stack, logicalId, type, `${verb}_COMPLETE`, state.physicalId);
      return state;
    } catch (error) {
      const failure = error instanceof ResourceFailure ? error : new ResourceFailure(logicalId, type, (error as Error).message);
      this.event(stack, logicalId, type, `${verb}_FAILED`, undefined, failure.message);
      throw failure;
    }
  }

  /** The existing resource a new resource's custom name names (see ResourceProvider.adopt), for a change set to import. */
  async existing(
    stack: StackRecord,
    logicalId: string,
    type: string,
    props: Record<string, any>,
  ): Promise<ProvisionedResource | undefined> {
    return PROVIDERS[type]?.adopt?.(props, this.context(stack, logicalId));
  }

  private async deleteResource(stack: StackRecord, state: ResourceState, deletionPolicy?: string): Promise<void> {
    if (!state.physicalId) return;
    if (deletionPolicy === 'Retain') {
      this.event(stack, state.logicalId, state.type, 'DELETE_SKIPPED', state.physicalId);
      return;
    }
    this.event(stack, state.logicalId, state.type, 'DELETE_IN_PROGRESS', state.physicalId);
    try {
      await this.runProvider(stack, state.logicalId, state.type, () =>
        PROVIDERS[state.type].delete(
          { physicalId: state.physicalId!, attributes: state.attributes },
          state.props,
          this.context(stack, state.logicalId),
        ),
      );
    } catch (error) {
      this.event(stack, state.logicalId, state.type, 'DELETE_FAILED', state.physicalId, (error as Error).message);
      throw error;
    }
    this.event(stack, state.logicalId, state.type, 'DELETE_COMPLETE', state.physicalId);
  }

  /** Deletes resources in the reverse of the order they depend on each other in `template`. */
  private async deleteAll(stack: StackRecord, template: Template, resources: Map<string, ResourceState>): Promise<void> {
    const known = creationOrder({
      ...template,
      Resources: Object.fromEntries(Object.entries(template.Resources).filter(([id]) => resources.has(id))),
    });
    const order = [...known, ...[...resources.keys()].filter((id) => !known.includes(id))].reverse();
    for (const logicalId of order) {
      const state = resources.get(logicalId)!;
      await this.deleteResource(stack, state, template.Resources[logicalId]?.DeletionPolicy);
      resources.delete(logicalId);
    }
  }

  private outputs(evaluation: Evaluation): StackRecord['outputs'] {
    const outputs: StackRecord['outputs'] = [];
    for (const [key, output] of Object.entries(evaluation.template.Outputs ?? {})) {
      if (!evaluation.included(output.Condition)) continue;
      const value = resolve(output.Value, evaluation);
      outputs.push({
        OutputKey: key,
        OutputValue: Array.isArray(value) ? value.join(',') : String(value),
        Description: output.Description,
        ExportName: output.Export ? String(resolve(output.Export.Name, evaluation)) : undefined,
      });
    }
    return outputs;
  }

  /** Creates every resource of a new stack; on failure rolls back (deletes what it created). */
  async create(stack: StackRecord, imports: ReadonlySet<string> = new Set()): Promise<void> {
    this.setStackStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    const evaluation = new Evaluation(stack, stack.template, stack.parameters, stack.resources, this.exports);
    try {
      for (const logicalId of creationOrder(stack.template)) {
        if (!evaluation.included(stack.template.Resources[logicalId].Condition)) continue;
        await this.createResource(stack, evaluation, logicalId, stack.resources, imports.has(logicalId));
      }
      stack.outputs = this.outputs(evaluation);
      this.setStackStatus(stack, 'CREATE_COMPLETE');
    } catch (error) {
      const reason = failureReason(error);
      if (stack.onFailure === 'DO_NOTHING') {
        this.setStackStatus(stack, 'CREATE_FAILED', reason);
        return;
      }
      this.setStackStatus(
        stack,
        'ROLLBACK_IN_PROGRESS',
        `The following resource(s) failed to create: [${reason}]. Rollback requested by user.`,
      );
      try {
        await this.deleteAll(stack, stack.template, stack.resources);
        this.setStackStatus(stack, 'ROLLBACK_COMPLETE', reason);
        if (stack.onFailure === 'DELETE') await this.delete(stack);
      } catch (rollbackError) {
        this.setStackStatus(stack, 'ROLLBACK_FAILED', (rollbackError as Error).message);
      }
    }
  }

  /**
   * Moves a stack to a new template: creates new resources, updates changed ones in place or
   * replaces them (as each property's update behaviour says), then deletes what is gone.
   * A failure rolls back to the previous template's state.
   */
  async update(
    stack: StackRecord,
    next: {
      template: Template;
      templateBody: string;
      parameters: Record<string, string>;
      ssmParameterNames?: Record<string, string>;
      tags: Record<string, string>;
    },
    imports: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    this.setStackStatus(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    const previous = {
      template: stack.template,
      templateBody: stack.templateBody,
      parameters: stack.parameters,
      tags: stack.tags,
      outputs: stack.outputs,
    };
    const before = new Map([...stack.resources].map(([id, state]) => [id, { ...state }]));
    const working = new Map(before);
    const created: string[] = [];
    const updated: string[] = [];
    const replaced = new Map<string, ResourceState>();
    stack.tags = next.tags;
    const evaluation = new Evaluation(stack, next.template, next.parameters, working, this.exports);
    try {
      for (const logicalId of creationOrder(next.template)) {
        const definition = next.template.Resources[logicalId];
        if (!evaluation.included(definition.Condition)) continue;
        const current = working.get(logicalId);
        if (!current) {
          await this.createResource(stack, evaluation, logicalId, working, imports.has(logicalId));
          created.push(logicalId);
          continue;
        }
        let props: Record<string, any>;
        try {
          props = this.resolveProps(evaluation, logicalId);
        } catch (error) {
          this.event(stack, logicalId, definition.Type, 'UPDATE_FAILED', current.physicalId, (error as Error).message);
          throw error;
        }
        const provider: ResourceProvider = PROVIDERS[definition.Type];
        if (current.type === definition.Type && JSON.stringify(props) === JSON.stringify(current.props)) continue;
        const changed = Object.keys({ ...props, ...current.props }).filter(
          (k) => JSON.stringify(props[k]) !== JSON.stringify(current.props[k]),
        );
        const replace = current.type !== definition.Type || changed.some((k) => requiresReplacement(provider, k));
        if (replace) {
          const nameProperty = provider.properties.find(
            (p) =>
              /Name$/.test(p) &&
              ['FunctionName', 'TopicName', 'TableName', 'RoleName', 'QueueName', 'LogGroupName', 'StateMachineName', 'Name'].includes(p),
          );
          if (
            nameProperty &&
            props[nameProperty] !== undefined &&
            props[nameProperty] === current.props[nameProperty] &&
            current.type === definition.Type
          ) {
            const reason = `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${props[nameProperty]} and update the stack again. (Changed: ${changed.join(', ')})`;
            this.event(stack, logicalId, definition.Type, 'UPDATE_FAILED', current.physicalId, reason);
            throw new ResourceFailure(logicalId, definition.Type, reason);
          }
          this.event(
            stack,
            logicalId,
            definition.Type,
            'UPDATE_IN_PROGRESS',
            current.physicalId,
            'Requested update requires the creation of a new physical resource; hence creating one.',
          );
          replaced.set(logicalId, current);
          working.delete(logicalId);
          const fresh = await this.createResource(stack, evaluation, logicalId, working);
          fresh.status = 'UPDATE_COMPLETE';
          continue;
        }
        this.event(stack, logicalId, definition.Type, 'UPDATE_IN_PROGRESS', current.physicalId);
        try {
          const result: ProvisionedResource = await this.runProvider(stack, logicalId, definition.Type, () =>
            provider.update!(
              { physicalId: current.physicalId!, attributes: current.attributes },
              props,
              current.props,
              this.context(stack, logicalId),
            ),
          );
          working.set(logicalId, {
            ...current,
            physicalId: result.physicalId,
            attributes: result.attributes ?? current.attributes,
            props,
            status: 'UPDATE_COMPLETE',
            updated: new Date(),
          });
          updated.push(logicalId);
          this.event(stack, logicalId, definition.Type, 'UPDATE_COMPLETE', result.physicalId);
        } catch (error) {
          this.event(stack, logicalId, definition.Type, 'UPDATE_FAILED', current.physicalId, (error as Error).message);
          throw error;
        }
      }
      const outputs = this.outputs(evaluation);
      this.setStackStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      const removed = new Map(
        [...working].filter(([id]) => !next.template.Resources[id] || !evaluation.included(next.template.Resources[id].Condition)),
      );
      const cleanupFailures: string[] = [];
      for (const [id, old] of replaced) {
        await this.deleteResource(
          stack,
          old,
          previous.template.Resources[id]?.UpdateReplacePolicy === 'Retain' ? 'Retain' : undefined,
        ).catch((e) => cleanupFailures.push((e as Error).message));
      }
      const gone = new Map(removed);
      await this.deleteAll(stack, previous.template, gone).catch((e) => cleanupFailures.push((e as Error).message));
      for (const id of removed.keys()) working.delete(id);
      stack.resources = working;
      stack.template = next.template;
      stack.templateBody = next.templateBody;
      stack.parameters = next.parameters;
      stack.ssmParameterNames = next.ssmParameterNames;
      stack.outputs = outputs;
      stack.updated = new Date();
      this.setStackStatus(
        stack,
        'UPDATE_COMPLETE',
        cleanupFailures.length > 0 ? `Cleanup failed: ${cleanupFailures.join('; ')}` : undefined,
      );
    } catch (error) {
      const reason = failureReason(error);
      this.setStackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to update: [${reason}].`);
      stack.tags = previous.tags;
      try {
        for (const logicalId of [...created].reverse()) {
          const state = working.get(logicalId);
          // An imported resource leaves the stack as it came: it is kept.
          if (state) await this.deleteResource(stack, state, imports.has(logicalId) ? 'Retain' : undefined);
          working.delete(logicalId);
        }
        for (const [logicalId, old] of replaced) {
          const fresh = working.get(logicalId);
          if (fresh && fresh.physicalId !== old.physicalId) await this.deleteResource(stack, fresh);
          working.set(logicalId, old);
        }
        for (const logicalId of updated) {
          const old = before.get(logicalId)!;
          const state = working.get(logicalId)!;
          this.event(stack, logicalId, old.type, 'UPDATE_IN_PROGRESS', old.physicalId);
          await PROVIDERS[old.type].update!(
            { physicalId: state.physicalId!, attributes: state.attributes },
            old.props,
            state.props,
            this.context(stack, logicalId),
          );
          working.set(logicalId, old);
          this.event(stack, logicalId, old.type, 'UPDATE_COMPLETE', old.physicalId);
        }
        stack.resources = working;
        stack.outputs = previous.outputs;
        this.setStackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE', reason);
      } catch (rollbackError) {
        stack.resources = working;
        this.setStackStatus(stack, 'UPDATE_ROLLBACK_FAILED', (rollbackError as Error).message);
      }
    }
  }

  /** Deletes every resource of a stack in dependency order. */
  async delete(stack: StackRecord): Promise<void> {
    this.setStackStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    try {
      await this.deleteAll(stack, stack.template, stack.resources);
      stack.deleted = new Date();
      this.setStackStatus(stack, 'DELETE_COMPLETE');
    } catch (error) {
      this.setStackStatus(stack, 'DELETE_FAILED', failureReason(error));
    }
  }
}

function failureReason(error: unknown): string {
  if (error instanceof ResourceFailure) return `${error.logicalId}: ${error.message}`;
  return (error as Error).message;
}
