import type { Change, ChangeSetStatus, ExecutionStatus } from '@aws-sdk/client-cloudformation';
import type { Template } from './template.ts';

export interface ResourceState {
  logicalId: string;
  type: string;
  physicalId?: string;
  attributes: Record<string, unknown>;
  /** The resolved properties the resource was last created or updated with. */
  props: Record<string, any>;
  status: string;
  statusReason?: string;
  updated: Date;
}

export interface StackEvent {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Timestamp: Date;
  ResourceStatus: string;
  ResourceStatusReason?: string;
}

export interface StackRecord {
  stackId: string;
  name: string;
  status: string;
  statusReason?: string;
  created: Date;
  updated?: Date;
  deleted?: Date;
  description?: string;
  templateBody: string;
  template: Template;
  /** Parameter values as resolved (what Ref gives). */
  parameters: Record<string, string>;
  /** For parameters of SSM types: the Parameter Store names they were given. */
  ssmParameterNames?: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  resources: Map<string, ResourceState>;
  outputs: { OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }[];
  events: StackEvent[];
  onFailure: 'ROLLBACK' | 'DELETE' | 'DO_NOTHING';
  /** Change sets waiting for review or executed; executing one deletes the others. */
  changeSets: ChangeSetRecord[];
  /** The change set that last created or updated the stack. */
  changeSetId?: string;
  /** DeleteStack is refused while this is on. */
  terminationProtection?: boolean;
  /** Settles when the operation in progress ends. */
  operation?: Promise<void>;
}

/** A change set: a template, parameters and tags held for review, and what executing them would change. */
export interface ChangeSetRecord {
  id: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  status: ChangeSetStatus;
  executionStatus: ExecutionStatus;
  statusReason?: string;
  created: Date;
  description?: string;
  templateBody: string;
  parameters: Record<string, string>;
  ssmParameterNames: Record<string, string>;
  capabilities: string[];
  tags: Record<string, string>;
  /** For CREATE change sets: what a failed creation does (OnStackFailure). */
  onStackFailure?: StackRecord['onFailure'];
  /** Whether resources that exist with the template's custom names are imported (ImportExistingResources). */
  importExisting: boolean;
  changes: Change[];
  /** Logical ids of the resources executing the change set imports instead of creating. */
  imports: string[];
}

/**
 * Statuses in which a stack accepts no other operation. REVIEW_IN_PROGRESS is not one: it is the
 * resting state of a stack that only has a CREATE change set, which can be deleted.
 */
export function inProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}
