import { randomUUID } from 'node:crypto';
import { type ActionTable, arn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { entriesToMap } from '../../aws/query.ts';
import type { CloudServices } from '../../services.ts';
import { ChangeSets } from './change-sets.ts';
import { Evaluation, StackEngine } from './engine.ts';
import { requireStandardMode, validationError } from './errors.ts';
import { checkCapabilities, checkRules, describeParameters, givenParameters, resolveParameters } from './parameters.ts';
import { inProgress, type StackRecord } from './stack.ts';
import { parseTemplate, unsupportedTypes, unsupportedTypesError } from './template.ts';
import { templateOf } from './template-source.ts';
import { templateSummary } from './template-summary.ts';

// LIMITATIONS: JSON and YAML templates; no nested stacks, no macros, no resource import, no
// stack policies; resource types and properties are those the workshop's labs and the CDK's
// bootstrap stack use (see resources/).

const doesNotExist = (name: string) => validationError(`Stack with id ${name} does not exist`);

/** How many stack events DescribeStackEvents returns per page. */
const EVENTS_PAGE = 100;

/** AWS CloudFormation: stacks of the resource types the labs use, created and updated in the background. */
export class CloudFormationService {
  readonly stacks = new Map<string, StackRecord>();
  private readonly deleted: StackRecord[] = [];
  readonly engine: StackEngine;
  private readonly changeSets = new ChangeSets(this);

  constructor(readonly services: CloudServices) {
    this.engine = new StackEngine(services, (name) => this.exportValue(name));
  }

  readonly actions: ActionTable = {
    CreateStack: (input, context) => this.createStack(input, context),
    UpdateStack: (input) => this.updateStack(input),
    DeleteStack: (input) => {
      requireStandardMode(input);
      return this.deleteStack(input.StackName);
    },
    UpdateTerminationProtection: (input) => {
      const stack = this.stack(input.StackName);
      stack.terminationProtection = String(input.EnableTerminationProtection) === 'true';
      return { StackId: stack.stackId };
    },
    ...this.changeSets.actions,
    DescribeStacks: (input) => ({
      Stacks: (input.StackName ? [this.stack(input.StackName, String(input.StackName).startsWith('arn:'))] : [...this.stacks.values()]).map(
        (s) => this.describe(s),
      ),
    }),
    DescribeStackEvents: (input) => {
      // Newest first, a page at a time, as AWS pages them.
      const events = [...this.stack(input.StackName, true).events].reverse();
      const start = Number(input.NextToken ?? 0) || 0;
      return {
        StackEvents: events.slice(start, start + EVENTS_PAGE),
        NextToken: start + EVENTS_PAGE < events.length ? String(start + EVENTS_PAGE) : undefined,
      };
    },
    GetTemplateSummary: async (input) => {
      const body = input.StackName ? this.stack(input.StackName, true).templateBody : await templateOf(input, this.services.s3);
      return templateSummary(parseTemplate(body));
    },
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
          .map((r) => ({
            StackName: stack.name,
            StackId: stack.stackId,
            LogicalResourceId: r.logicalId,
            PhysicalResourceId: r.physicalId,
            ResourceType: r.type,
            Timestamp: r.updated,
            ResourceStatus: r.status,
          })),
      };
    },
    DescribeStackResource: (input) => {
      const stack = this.stack(input.StackName);
      const r = stack.resources.get(input.LogicalResourceId);
      if (!r) throw validationError(`Resource ${input.LogicalResourceId} does not exist for stack ${stack.name}`);
      return {
        StackResourceDetail: {
          StackName: stack.name,
          StackId: stack.stackId,
          LogicalResourceId: r.logicalId,
          PhysicalResourceId: r.physicalId,
          ResourceType: r.type,
          LastUpdatedTimestamp: r.updated,
          ResourceStatus: r.status,
        },
      };
    },
    GetTemplate: (input) => ({ TemplateBody: this.stack(input.StackName, true).templateBody, StagesAvailable: ['Original', 'Processed'] }),
    ValidateTemplate: async (input) => {
      const template = parseTemplate(await templateOf(input, this.services.s3));
      return {
        Parameters: Object.entries(template.Parameters ?? {}).map(([ParameterKey, p]) => ({
          ParameterKey,
          DefaultValue: p.Default === undefined ? undefined : String(p.Default),
          NoEcho: String(p.NoEcho) === 'true',
          Description: p.Description,
        })),
        Description: template.Description,
      };
    },
    ListStacks: () => ({
      StackSummaries: [...this.stacks.values(), ...this.deleted].map((s) => ({
        StackId: s.stackId,
        StackName: s.name,
        CreationTime: s.created,
        LastUpdatedTime: s.updated,
        DeletionTime: s.deleted,
        StackStatus: s.status,
        StackStatusReason: s.statusReason,
      })),
    }),
    ListExports: () => ({
      Exports: [...this.stacks.values()].flatMap((s) =>
        s.outputs.filter((o) => o.ExportName).map((o) => ({ ExportingStackId: s.stackId, Name: o.ExportName, Value: o.OutputValue })),
      ),
    }),
  };

  /** Finds a stack by name or id; `includeDeleted` finds deleted stacks by id, as AWS does. */
  stack(nameOrId: unknown, includeDeleted = false): StackRecord {
    const key = String(nameOrId ?? '');
    const stack = this.find(key) ?? (includeDeleted ? this.deleted.find((s) => s.stackId === key) : undefined);
    if (!stack) throw doesNotExist(key);
    return stack;
  }

  /** The live stack with this name or id, if there is one. */
  find(nameOrId: string): StackRecord | undefined {
    return this.stacks.get(nameOrId) ?? [...this.stacks.values()].find((s) => s.stackId === nameOrId);
  }

  /** A stack record not yet known to the service (see admit), with no template and no resources. */
  newStack(name: string, context: RequestContext, status: string): StackRecord {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name))
      throw validationError(
        `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    return {
      stackId: arn('cloudformation', context, `stack/${name}/${randomUUID()}`),
      name,
      status,
      created: new Date(),
      templateBody: '',
      template: { Resources: {} },
      parameters: {},
      tags: {},
      capabilities: [],
      resources: new Map(),
      outputs: [],
      events: [],
      onFailure: 'ROLLBACK',
      changeSets: [],
    };
  }

  /** Makes a new stack visible; a CREATE change set's stack starts its life in REVIEW_IN_PROGRESS. */
  admit(stack: StackRecord): void {
    this.stacks.set(stack.name, stack);
    if (stack.status === 'REVIEW_IN_PROGRESS') this.engine.setStackStatus(stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
  }

  /** Runs a stack operation in the background; a deleted stack moves to the deleted list when it ends. */
  launch(stack: StackRecord, operation: Promise<void>): void {
    stack.operation = operation.finally(() => this.settle(stack));
  }

  exportValue(name: string): string | undefined {
    for (const stack of this.stacks.values()) for (const o of stack.outputs) if (o.ExportName === name) return o.OutputValue;
    return undefined;
  }

  /** Checks a template with its parameters before anything is created, as CreateStack, UpdateStack and CreateChangeSet do. */
  prepare(stack: StackRecord, input: any, body: string, previousParameters: Record<string, string>) {
    requireStandardMode(input);
    const template = parseTemplate(body);
    // The query protocol sends an empty list as `Name=`, an empty string.
    const list = (value: unknown) => (Array.isArray(value) ? value : []);
    const capabilities: string[] = list(input.Capabilities);
    checkCapabilities(template, capabilities);
    const { values: parameters, ssmNames: ssmParameterNames } = resolveParameters(
      template,
      list(input.Parameters),
      previousParameters,
      this.services.ssm,
    );
    const evaluation = new Evaluation(stack, template, parameters, new Map(), () => undefined);
    const unsupported = unsupportedTypes(template, (condition) => evaluation.included(condition));
    if (unsupported.length > 0) throw unsupportedTypesError(unsupported);
    checkRules(template, evaluation);
    return { template, parameters, ssmParameterNames, capabilities };
  }

  private async createStack(input: any, context: RequestContext) {
    const name = String(input.StackName ?? '');
    const stack = this.newStack(name, context, 'CREATE_IN_PROGRESS');
    if (this.stacks.has(name)) throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    if (String(input.UsePreviousTemplate) === 'true') throw validationError('UsePreviousTemplate applies to UpdateStack only.');
    const body = await templateOf(input, this.services.s3);
    // Reading a TemplateURL took a moment: another request may have created the stack meanwhile.
    if (this.stacks.has(name)) throw new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);
    stack.templateBody = body;
    stack.tags = entriesToMap(input.Tags, 'Key', 'Value');
    stack.onFailure = String(input.DisableRollback) === 'true' ? 'DO_NOTHING' : (input.OnFailure ?? 'ROLLBACK');
    stack.terminationProtection = String(input.EnableTerminationProtection) === 'true';
    const prepared = this.prepare(stack, input, body, {});
    Object.assign(stack, prepared);
    stack.description = prepared.template.Description;
    this.stacks.set(name, stack);
    this.launch(stack, this.engine.create(stack));
    return { StackId: stack.stackId };
  }

  private async updateStack(input: any) {
    const stack = this.stack(input.StackName);
    const body = await templateOf(input, this.services.s3, () => stack.templateBody);
    if (inProgress(stack.status)) throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    if (['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED', 'REVIEW_IN_PROGRESS'].includes(stack.status)) {
      throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
    const prepared = this.prepare(stack, input, body, givenParameters(stack));
    const tags = input.Tags ? entriesToMap(input.Tags, 'Key', 'Value') : stack.tags;
    if (
      body === stack.templateBody &&
      JSON.stringify(prepared.parameters) === JSON.stringify(stack.parameters) &&
      JSON.stringify(tags) === JSON.stringify(stack.tags)
    ) {
      throw validationError('No updates are to be performed.');
    }
    stack.capabilities = prepared.capabilities;
    // Change sets made before this update no longer describe what they would change.
    for (const changeSet of stack.changeSets) if (changeSet.executionStatus === 'AVAILABLE') changeSet.executionStatus = 'OBSOLETE';
    this.launch(
      stack,
      this.engine.update(stack, {
        template: prepared.template,
        templateBody: body,
        parameters: prepared.parameters,
        ssmParameterNames: prepared.ssmParameterNames,
        tags,
      }),
    );
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
    if (stack.terminationProtection)
      throw validationError(`Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
    if (inProgress(stack.status)) throw validationError(`Stack ${stack.name} is in ${stack.status} state and can not be deleted now.`);
    this.launch(stack, this.engine.delete(stack));
    return {};
  }

  private settle(stack: StackRecord): void {
    if (stack.status === 'DELETE_COMPLETE') {
      stack.changeSets = [];
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
      Parameters: describeParameters(stack.parameters, stack.ssmParameterNames),
      CreationTime: stack.created,
      LastUpdatedTime: stack.updated,
      StackStatus: stack.status,
      StackStatusReason: stack.statusReason,
      DisableRollback: stack.onFailure === 'DO_NOTHING',
      Capabilities: stack.capabilities,
      Outputs: stack.outputs,
      Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
      ChangeSetId: stack.changeSetId,
      EnableTerminationProtection: stack.terminationProtection ?? false,
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
      if (inProgress(stack.status)) {
        stack.status = stack.status.replace('_IN_PROGRESS', '_FAILED');
        stack.statusReason = 'The local cloud stopped while this operation ran.';
      }
      // State saved before change sets existed has none.
      stack.changeSets ??= [];
      for (const changeSet of stack.changeSets) {
        if (changeSet.status === 'CREATE_PENDING' || changeSet.status === 'CREATE_IN_PROGRESS') {
          changeSet.status = 'FAILED';
          changeSet.statusReason = 'The local cloud stopped while this change set was created.';
        }
        if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') changeSet.executionStatus = 'EXECUTE_FAILED';
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
