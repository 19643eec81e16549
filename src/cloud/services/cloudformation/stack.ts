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
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  resources: Map<string, ResourceState>;
  outputs: { OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }[];
  events: StackEvent[];
  onFailure: 'ROLLBACK' | 'DELETE' | 'DO_NOTHING';
  /** Settles when the operation in progress ends. */
  operation?: Promise<void>;
}

/** Statuses in which a stack accepts no other operation. */
export function inProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}
