import { randomUUID } from 'node:crypto';
import type {
  CreateChangeSetOutput,
  DescribeChangeSetOutput,
  ExecuteChangeSetOutput,
  ListChangeSetsOutput,
} from '@aws-sdk/client-cloudformation';
import { type ActionTable, arn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import { entriesToMap } from '../../aws/query.ts';
import { planChanges, withoutValues } from './change-plan.ts';
import { validationError } from './errors.ts';
import { describeParameters, givenParameters } from './parameters.ts';
import type { CloudFormationService } from './service.ts';
import { type ChangeSetRecord, inProgress, type StackRecord } from './stack.ts';
import { parseTemplate } from './template.ts';
import { templateOf } from './template-source.ts';

// LIMITATIONS: no IMPORT change sets with ResourcesToImport (ImportExistingResources imports
// by custom name, for the types whose provider can find an existing resource: S3 buckets), no
// nested stacks (so IncludeNestedStacks has nothing to include), no drift-reverting
// deployments; DisableRollback applies to creations.

/** What DescribeChangeSet and ListChangeSets return per page. */
const PAGE_SIZE = 100;

const NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set.";
const notFound = (name: string) => new AwsError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
const invalidStatus = (message: string) => new AwsError('InvalidChangeSetStatus', message, 400);
const isArn = (value: string) => value.startsWith('arn:');
/** Whether a request member has a value: the query protocol sends an empty list as `Name=`. */
const given = (value: unknown) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);
const FAILED_STACK_STATES = ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED'];

/**
 * CloudFormation change sets: CreateChangeSet (CREATE and UPDATE), DescribeChangeSet,
 * ExecuteChangeSet, DeleteChangeSet, ListChangeSets. A CREATE change set brings its stack into
 * being in REVIEW_IN_PROGRESS with no resources; executing a change set creates or updates the
 * stack as CreateStack and UpdateStack do.
 */
export class ChangeSets {
  constructor(private readonly service: CloudFormationService) {}

  readonly actions: ActionTable = {
    CreateChangeSet: (input, context) => this.create(input, context),
    DescribeChangeSet: (input) => this.describe(input),
    ExecuteChangeSet: (input) => this.execute(input),
    DeleteChangeSet: (input) => this.delete(input),
    ListChangeSets: (input) => this.list(input),
  };

  /** The stack a request names (by name or id), or the one a change set ARN belongs to. */
  private stackFor(input: any): StackRecord {
    const name = String(input.ChangeSetName ?? '');
    if (input.StackName) return this.service.stack(input.StackName);
    if (!isArn(name)) throw validationError('StackName must be specified if ChangeSetName is not specified as an ARN.');
    const stack = [...this.service.stacks.values()].find((s) => s.changeSets.some((c) => c.id === name));
    if (!stack) throw notFound(name);
    return stack;
  }

  private find(input: any): { stack: StackRecord; changeSet: ChangeSetRecord } {
    const stack = this.stackFor(input);
    const name = String(input.ChangeSetName ?? '');
    const changeSet = stack.changeSets.find((c) => c.id === name || c.name === name);
    if (!changeSet) throw notFound(name);
    return { stack, changeSet };
  }

  private async create(input: any, context: RequestContext): Promise<CreateChangeSetOutput> {
    const name = String(input.ChangeSetName ?? '');
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) {
      throw validationError(
        `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    const type = String(input.ChangeSetType ?? 'UPDATE');
    if (type === 'IMPORT' || given(input.ResourcesToImport)) {
      throw validationError(
        'The local cloud does not support IMPORT change sets (ResourcesToImport); ImportExistingResources imports resources by their custom names.',
      );
    }
    if (type !== 'CREATE' && type !== 'UPDATE') throw validationError(`ChangeSetType ${type} is not one of CREATE, UPDATE, IMPORT.`);
    if (given(input.DeploymentMode))
      throw validationError(`The local cloud does not support DeploymentMode ${input.DeploymentMode} (it does not track drift).`);
    if (String(input.UsePreviousTemplate) === 'true' && type === 'CREATE')
      throw validationError('UsePreviousTemplate cannot be used with a CREATE change set: the stack has no template yet.');

    const stackName = String(input.StackName ?? '');
    // Read first (a TemplateURL is read from S3): all that follows happens at once, so no other
    // request can make the same stack or change set in between.
    const body = await templateOf(input, this.service.services.s3, () => this.service.find(stackName)?.templateBody ?? '');
    const existing = this.service.find(stackName);
    let stack: StackRecord;
    if (type === 'CREATE') {
      if (existing && existing.status !== 'REVIEW_IN_PROGRESS')
        throw validationError(`Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`);
      stack = existing ?? this.service.newStack(stackName, context, 'REVIEW_IN_PROGRESS');
    } else {
      if (!existing || existing.status === 'REVIEW_IN_PROGRESS') throw validationError(`Stack [${stackName}] does not exist`);
      if (inProgress(existing.status) || FAILED_STACK_STATES.includes(existing.status)) {
        throw validationError(`Stack:${existing.stackId} is in ${existing.status} state and can not be updated.`);
      }
      stack = existing;
    }
    if (stack.changeSets.some((c) => c.name === name)) throw new AwsError('AlreadyExistsException', `ChangeSet [${name}] already exists`);
    const prepared = this.service.prepare(stack, input, body, type === 'UPDATE' ? givenParameters(stack) : {});
    const onStackFailure = given(input.OnStackFailure) ? (input.OnStackFailure as ChangeSetRecord['onStackFailure']) : undefined;
    if (onStackFailure && type !== 'CREATE') throw validationError('OnStackFailure applies to CREATE change sets only.');
    if (onStackFailure && !['ROLLBACK', 'DELETE', 'DO_NOTHING'].includes(onStackFailure))
      throw validationError(`OnStackFailure ${onStackFailure} is not one of DO_NOTHING, ROLLBACK, DELETE.`);
    const record: ChangeSetRecord = {
      id: arn('cloudformation', context, `changeSet/${name}/${randomUUID()}`),
      name,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      created: new Date(),
      description: input.Description,
      templateBody: body,
      parameters: prepared.parameters,
      ssmParameterNames: prepared.ssmParameterNames,
      capabilities: prepared.capabilities,
      tags: given(input.Tags) ? entriesToMap(input.Tags, 'Key', 'Value') : type === 'UPDATE' ? stack.tags : {},
      onStackFailure,
      importExisting: String(input.ImportExistingResources) === 'true',
      changes: [],
      imports: [],
    };
    if (!this.service.stacks.has(stack.name)) this.service.admit(stack);
    stack.changeSets.push(record);
    // Worked out right after the answer, as CloudFormation does in the background: a client
    // polling DescribeChangeSet sees CREATE_PENDING at most once.
    setImmediate(() => void this.work(stack, record));
    return { Id: record.id, StackId: stack.stackId };
  }

  /** Computes a change set's changes; one with nothing to change fails with AWS's reason. */
  private async work(stack: StackRecord, record: ChangeSetRecord): Promise<void> {
    record.status = 'CREATE_IN_PROGRESS';
    try {
      const template = parseTemplate(record.templateBody);
      const imports = record.importExisting
        ? {
            existing: (logicalId: string, type: string, props: Record<string, unknown>) =>
              this.service.engine.existing(stack, logicalId, type, props),
            heldByAnotherStack: (type: string, physicalId: string) =>
              [...this.service.stacks.values()].some(
                (s) => s !== stack && [...s.resources.values()].some((r) => r.type === type && r.physicalId === physicalId),
              ),
          }
        : undefined;
      const plan = await planChanges(stack, { template, parameters: record.parameters }, (name) => this.service.exportValue(name), imports);
      record.changes = plan.changes;
      record.imports = plan.imported;
      const unchanged =
        record.type === 'UPDATE' &&
        record.templateBody === stack.templateBody &&
        JSON.stringify(record.parameters) === JSON.stringify(stack.parameters) &&
        JSON.stringify(record.tags) === JSON.stringify(stack.tags);
      if (unchanged) {
        record.status = 'FAILED';
        record.statusReason = NO_CHANGES;
      } else {
        record.status = 'CREATE_COMPLETE';
        record.executionStatus = 'AVAILABLE';
      }
    } catch (error) {
      record.status = 'FAILED';
      record.statusReason = (error as Error).message;
    }
    this.service.services.activity.emit('cloudformation.change-set-status', record.id, {
      stackName: stack.name,
      changeSetName: record.name,
      status: record.status,
      reason: record.statusReason,
    });
  }

  private describe(input: any): DescribeChangeSetOutput {
    const { stack, changeSet } = this.find(input);
    const start = Number(input.NextToken ?? 0) || 0;
    const page = changeSet.changes.slice(start, start + PAGE_SIZE);
    const values = String(input.IncludePropertyValues) === 'true';
    return {
      ChangeSetName: changeSet.name,
      ChangeSetId: changeSet.id,
      StackId: stack.stackId,
      StackName: stack.name,
      Description: changeSet.description,
      Parameters: describeParameters(changeSet.parameters, changeSet.ssmParameterNames),
      CreationTime: changeSet.created,
      ExecutionStatus: changeSet.executionStatus,
      Status: changeSet.status,
      StatusReason: changeSet.statusReason,
      NotificationARNs: [],
      Capabilities: changeSet.capabilities as DescribeChangeSetOutput['Capabilities'],
      Tags: Object.entries(changeSet.tags).map(([Key, Value]) => ({ Key, Value })),
      Changes: values ? page : page.map(withoutValues),
      NextToken: start + PAGE_SIZE < changeSet.changes.length ? String(start + PAGE_SIZE) : undefined,
      IncludeNestedStacks: false,
      OnStackFailure: changeSet.onStackFailure,
      ImportExistingResources: changeSet.importExisting,
    };
  }

  private execute(input: any): ExecuteChangeSetOutput {
    const { stack, changeSet } = this.find(input);
    if (changeSet.status !== 'CREATE_COMPLETE')
      throw invalidStatus(`ChangeSet [${changeSet.id}] cannot be executed in its current status of [${changeSet.status}]`);
    if (changeSet.executionStatus !== 'AVAILABLE')
      throw invalidStatus(
        `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${changeSet.executionStatus}]`,
      );
    if (inProgress(stack.status)) throw invalidStatus(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    const disableRollback = String(input.DisableRollback) === 'true';
    if (disableRollback && changeSet.type === 'UPDATE')
      throw validationError('The local cloud always rolls back a failed update: DisableRollback applies to CREATE change sets only.');
    const template = parseTemplate(changeSet.templateBody);
    // As on AWS: once one change set runs, the others no longer describe what they would change.
    stack.changeSets = [changeSet];
    changeSet.executionStatus = 'EXECUTE_IN_PROGRESS';
    stack.changeSetId = changeSet.id;
    stack.capabilities = changeSet.capabilities;
    let operation: Promise<void>;
    if (changeSet.type === 'CREATE') {
      Object.assign(stack, {
        template,
        templateBody: changeSet.templateBody,
        parameters: changeSet.parameters,
        ssmParameterNames: changeSet.ssmParameterNames,
        tags: changeSet.tags,
        description: template.Description,
        created: new Date(),
      });
      stack.onFailure = disableRollback ? 'DO_NOTHING' : (changeSet.onStackFailure ?? 'ROLLBACK');
      operation = this.service.engine.create(stack, new Set(changeSet.imports));
    } else {
      operation = this.service.engine.update(
        stack,
        {
          template,
          templateBody: changeSet.templateBody,
          parameters: changeSet.parameters,
          ssmParameterNames: changeSet.ssmParameterNames,
          tags: changeSet.tags,
        },
        new Set(changeSet.imports),
      );
    }
    this.service.launch(
      stack,
      operation.then(() => {
        changeSet.executionStatus =
          /_COMPLETE$/.test(stack.status) && !stack.status.includes('ROLLBACK') ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
      }),
    );
    return {};
  }

  private delete(input: any): Record<string, never> {
    const stack = this.stackFor(input);
    const name = String(input.ChangeSetName ?? '');
    const changeSet = stack.changeSets.find((c) => c.id === name || c.name === name);
    // Deleting a change set the stack does not have succeeds, as on AWS.
    if (!changeSet) return {};
    if (
      changeSet.status === 'CREATE_PENDING' ||
      changeSet.status === 'CREATE_IN_PROGRESS' ||
      changeSet.executionStatus === 'EXECUTE_IN_PROGRESS'
    ) {
      throw invalidStatus('An operation on this ChangeSet is currently in progress.  Please attempt this operation again later.');
    }
    stack.changeSets = stack.changeSets.filter((c) => c !== changeSet);
    return {};
  }

  private list(input: any): ListChangeSetsOutput {
    const stack = this.service.stack(input.StackName);
    const start = Number(input.NextToken ?? 0) || 0;
    return {
      Summaries: stack.changeSets.slice(start, start + PAGE_SIZE).map((c) => ({
        StackId: stack.stackId,
        StackName: stack.name,
        ChangeSetId: c.id,
        ChangeSetName: c.name,
        ExecutionStatus: c.executionStatus,
        Status: c.status,
        StatusReason: c.statusReason,
        CreationTime: c.created,
        Description: c.description,
        IncludeNestedStacks: false,
      })),
      NextToken: start + PAGE_SIZE < stack.changeSets.length ? String(start + PAGE_SIZE) : undefined,
    };
  }
}
