import type { RequestContext } from '../../../aws/context.ts';
import type { CloudServices } from '../../../services.ts';

/** What a resource provider gets beside the resource's properties. */
export interface ProviderContext extends RequestContext {
  services: CloudServices;
  stackName: string;
  stackId: string;
  logicalId: string;
  /** Stack tags plus the tags CloudFormation adds (aws:cloudformation:*). */
  tags: Record<string, string>;
  /** A physical name as CloudFormation generates one: `<stack>-<logicalId>-<RANDOM>`, at most `maxLength`. */
  generateName(maxLength: number, options?: { lowercase?: boolean; suffix?: string }): string;
}

/** A created or updated resource: its physical id (also the value of Ref) and its GetAtt attributes. */
export interface ProvisionedResource {
  physicalId: string;
  attributes?: Record<string, unknown>;
}

/**
 * How CloudFormation creates, updates and deletes one resource type, through the owning
 * service's own operations. Properties it does not know are refused, never ignored.
 */
export interface ResourceProvider {
  /** Properties this provider applies; any other property fails the resource with its name. */
  properties: readonly string[];
  /** Properties whose change requires replacement, as AWS documents per property. */
  replaceOn?: readonly string[];
  /** Whether any change replaces the resource (e.g. API Gateway deployments). */
  replaceAlways?: boolean;
  create(props: Record<string, any>, context: ProviderContext): Promise<ProvisionedResource>;
  /** In-place update; without it every change is a replacement. */
  update?(
    current: ProvisionedResource,
    props: Record<string, any>,
    previous: Record<string, any>,
    context: ProviderContext,
  ): Promise<ProvisionedResource>;
  delete(current: ProvisionedResource, props: Record<string, any>, context: ProviderContext): Promise<void>;
  /**
   * The existing resource the template's custom name names, if there is one: what a change set
   * with ImportExistingResources imports instead of creating. Types without it are always created.
   */
  adopt?(props: Record<string, any>, context: ProviderContext): Promise<ProvisionedResource | undefined>;
}

/** Tags as the Tags property of most resource types lists them. */
export function tagList(tags: unknown): Record<string, string> {
  if (!Array.isArray(tags)) return {};
  return Object.fromEntries(tags.map((t: any) => [String(t.Key), String(t.Value)]));
}

/** CloudFormation renders booleans and numbers in string-typed API fields as strings. */
export function asString(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
