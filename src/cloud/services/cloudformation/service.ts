import { randomUUID } from 'node:crypto';
import { arn, type ActionTable, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { entriesToMap } from '../../aws/query.ts';
import type { CloudServices } from '../../services.ts';
import { Evaluation, StackEngine } from './engine.ts';
import { validationError } from './errors.ts';
import { checkCapabilities, checkRules, resolveParameters } from './parameters.ts';
import { inProgress, type StackRecord } from './stack.ts';
import { parseTemplate } from './template.ts';
import { templateOf } from './template-source.ts';

// LIMITATIONS: JSON templates only (what the CDK synthesizes), no change sets, no nested stacks,
// no macros; resource types and properties are those the workshop's labs use (see resources/).

const doesNotExist = (name: string) => validationError(`Stack with id ${name} does not exist`);

/** AWS CloudFormation: stacks of the resource types the labs use, created and updated in the background. */
export class CloudFormationService {
  readonly stacks = new Map<string, StackRecord>();
  private readonly deleted: StackRecord[] = [];
  private readonly engine: StackEngine;

  constructor(private readonly services: CloudServices) {
    this.engine = new StackEngine(services, (name) => this.exportValue(name));
  }

  readonly actions: ActionTable = {
    CreateStack: (input, context) => this.createStack(input, context),
    UpdateStack: (input) => this.updateStack(input),
    DeleteStack: (input) => this.deleteStack(input.StackName),
    DescribeStacks: (input) => ({ Stacks: (input.StackName ? [this.stack(input.StackName, String(input.StackName).startsWith('arn:'))] : [...this.stacks.values()]).map((s) => this.describe(s)) }),
    DescribeStackEvents: (input) => ({ StackEvents: [...this.stack(input.StackName, true).events].reverse() }),
    ListStackResources: (input) => ({
      StackResourceSummaries: [...this.stack(input.StackName).resources.values()].map((r) => ({
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        LastUpdatedTimestamp: r.updated,
        ResourceStatus: r.status,
      })),
    }),
    DescribeStackResources: (input) => {
      const stack = this.stack(input.StackName);
      return {
        StackResources: [...stack.resources.values()]
          .filter((r) => !input.LogicalResourceId || r.logicalId === input.LogicalResourceId)
          .map((r) => ({ StackName: stack.name, StackId: stack.stackId, LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId, ResourceType: r.type, Timestamp: r.updated, ResourceStatus: r.status })),
      };
    },
    DescribeStackResource: (input) => {
      const stack = this.stack(input.StackName);
      const r = stack.resources.get(input.LogicalResourceId);
      if (!r) throw validationError(`Resource ${input.LogicalResourceId} does not exist for stack ${stack.name}`);
      return { StackResourceDetail: { StackName: stack.name, StackId: stack.stackId, LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId, ResourceType: r.type, LastUpdatedTimestamp: r.updated, ResourceStatus: r.status } };
    },
    GetTemplate: (input) => ({ TemplateBody: this.stack(input.StackName, true).templateBody, StagesAvailable: ['Original', 'Processed'] }),
    ValidateTemplate: async (input) => {
      const template = parseTemplate(await templateOf(input, this.services.s3));
      return {
        Parameters: Object.entries(template.Parameters ?? {}).map(([ParameterKey, p]) => ({ ParameterKey, DefaultValue: p.Default === undefined ? undefined : String(p.Default), NoEcho: String(p.NoEcho) === 'true', Description: p.Description })),
        Description: template.Description,
      };
    },
    ListStacks: () => ({
      StackSummaries: [...this.stacks.values(), ...this.deleted].map((s) => ({ StackId: s.stackId, StackName: s.name, CreationTime: s.created, LastUpdatedTime: s.updated, DeletionTime: s.deleted, StackStatus: s.status, StackStatusReason: s.statusReason })),
    }),
    ListExports: () => ({ Exports: [...this.stacks.values()].flatMap((s) => s.outputs.filter((o) => o.ExportName).map((o) => ({ ExportingStackId: s.stackId, Name: o.ExportName, Value: o.OutputValue }))) }),
  };

  /** Finds a stack by name or id; `includeDeleted` finds deleted stacks by id, as AWS does. */
  stack(nameOrId: unknown, includeDeleted = false): StackRecord {
    const key = String(nameOrId ?? '');
    const stack = this.stacks.get(key) ?? [...this.stacks.values()].find((s) => s.stackId === key) ?? (includeDeleted ? this.deleted.find((s) => s.stackId === key) : undefined);
    if (!stack) throw doesNotExist(key);
    return stack;
  }

  private exportValue(name: string): string | undefined {
    for (const stack of this.stacks.values()) for (const o of stack.outputs) if (o.ExportName === name) return o.OutputValue;
    return undefined;
  }

  private prepare(stack: StackRecord, input: any, body: string, previousParameters: Record<string, string>) {
    const template = parseTemplate(body);
    const capabilities: string[] = input.Capabilities ?? [];
    checkCapabilities(template, capabilities);
    const parameters = resolveParameters(template, input.Parameters ?? [], previousParameters, this.services.ssm);
    const evaluation = new Evaluation(stack, template, parameters, new Map(), () => undefined);
    checkRules(template, evaluation);
    return { template, parameters, capabilities };
  }

  private async createStack(input: any, context: RequestContext) {
    const name = String(input.StackName ?? '');
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) throw validationError(`1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    if (this.stacks.has(name)) throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    if (String(input.UsePreviousTemplate) === 'true') throw validationError('UsePreviousTemplate applies to UpdateStack only.');
    const body = await templateOf(input, this.services.s3);
    // Reading a TemplateURL took a moment: another request may have created the stack meanwhile.
    if (this.stacks.has(name)) throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    const stack: StackRecord = {
      stackId: arn('cloudformation', context, `stack/${name}/${randomUUID()}`),
      name,
      status: 'CREATE_IN_PROGRESS',
      created: new Date(),
      templateBody: body,
      template: { Resources: {} },
      parameters: {},
      tags: entriesToMap(input.Tags, 'Key', 'Value'),
      capabilities: [],
      resources: new Map(),
      outputs: [],
      events: [],
      onFailure: String(input.DisableRollback) === 'true' ? 'DO_NOTHING' : (input.OnFailure ?? 'ROLLBACK'),
    };
    const prepared = this.prepare(stack, input, body, {});
    Object.assign(stack, prepared);
    stack.description = prepared.template.Description;
    this.stacks.set(name, stack);
    stack.operation = this.engine.create(stack).finally(() => this.settle(stack));
    return { StackId: stack.stackId };
  }

  private async updateStack(input: any) {
    const stack = this.stack(input.StackName);
    const body = await templateOf(input, this.services.s3, () => stack.templateBody);
    if (inProgress(stack.status)) throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    if (['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED'].includes(stack.status)) {
      throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
    const prepared = this.prepare(stack, input, body, stack.parameters);
    const tags = input.Tags ? entriesToMap(input.Tags, 'Key', 'Value') : stack.tags;
    if (body === stack.templateBody && JSON.stringify(prepared.parameters) === JSON.stringify(stack.parameters) && JSON.stringify(tags) === JSON.stringify(stack.tags)) {
      throw validationError('No updates are to be performed.');
    }
    stack.capabilities = prepared.capabilities;
    stack.operation = this.engine.update(stack, { template: prepared.template, templateBody: body, parameters: prepared.parameters, tags }).finally(() => this.settle(stack));
    return { StackId: stack.stackId };
  }

  private deleteStack(nameOrId: unknown) {
    let stack: StackRecord;
    try {
      stack = this.stack(nameOrId);
    } catch {
      return {}; // AWS: deleting a stack that does not exist succeeds.
    }
    if (stack.status === 'DELETE_IN_PROGRESS') return {};
    if (inProgress(stack.status)) throw validationError(`Stack ${stack.name} is in ${stack.status} state and can not be deleted now.`);
    stack.operation = this.engine.delete(stack).finally(() => this.settle(stack));
    return {};
  }

  private settle(stack: StackRecord): void {
    if (stack.status === 'DELETE_COMPLETE') {
      this.stacks.delete(stack.name);
      this.deleted.push(stack);
      if (this.deleted.length > 100) this.deleted.shift();
    }
  }

  private describe(stack: StackRecord) {
    return {
      StackId: stack.stackId,
      StackName: stack.name,
      Description: stack.description,
      Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
      CreationTime: stack.created,
      LastUpdatedTime: stack.updated,
      StackStatus: stack.status,
      StackStatusReason: stack.statusReason,
      DisableRollback: stack.onFailure === 'DO_NOTHING',
      Capabilities: stack.capabilities,
      Outputs: stack.outputs,
      Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }

  /** What persists across restarts. */
  saved() {
    return { stacks: this.stacks, deleted: this.deleted };
  }

  /** Takes back saved stacks; an operation cut short by the stop is marked failed, as it did not finish. */
  restore(saved: { stacks: Map<string, StackRecord>; deleted: StackRecord[] }): void {
    this.stacks.clear();
    for (const [name, stack] of saved.stacks) {
      if (stack.status.endsWith('_IN_PROGRESS')) {
        stack.status = stack.status.replace('_IN_PROGRESS', '_FAILED');
        stack.statusReason = 'The local cloud stopped while this operation ran.';
      }
      this.stacks.set(name, stack);
    }
    this.deleted.splice(0, this.deleted.length, ...saved.deleted);
  }

  /** Forgets every stack (the services are emptied beside it), once operations in progress end. */
  async reset(): Promise<void> {
    await this.settled();
    this.stacks.clear();
    this.deleted.length = 0;
  }

  /** Waits for every stack operation in progress (used when the cloud stops). */
  async settled(): Promise<void> {
    await Promise.all([...this.stacks.values()].map((s) => s.operation));
  }
}
