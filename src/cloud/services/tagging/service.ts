import type { GetResourcesOutput } from '@aws-sdk/client-resource-groups-tagging-api';
import type { ActionTable } from '../../aws/context.ts';
import { parseArn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { TaggedResource, TagSource } from './sources.ts';

// LIMITATIONS: GetResources only (the resources the local cloud's services keep tags for, see
// sources.ts); tagging through this API (TagResources, UntagResources) is refused: tag a
// resource with its own service's API. Resources are listed while they exist, never after.

interface TagFilter {
  Key: string;
  Values?: string[];
}

/** Whether a resource's ARN matches a ResourceTypeFilters entry: `service` or `service:type`. */
function ofType(arn: string, filter: string): boolean {
  const parsed = parseArn(arn);
  if (!parsed) return false;
  const [service, type] = filter.split(':');
  if (parsed.service !== service) return false;
  return type === undefined || parsed.resource.split(/[/:]/).filter(Boolean)[0] === type;
}

/** Tag filters are ANDed; a filter with values matches any of them. */
function matches(resource: TaggedResource, filters: TagFilter[]): boolean {
  return filters.every((f) => f.Key in resource.tags && (!f.Values?.length || f.Values.includes(resource.tags[f.Key])));
}

/** The Resource Groups Tagging API: find resources by their tags, across services. */
export class TaggingService {
  constructor(private readonly sources: TagSource[]) {}

  readonly actions: ActionTable = {
    GetResources: async (input, context): Promise<GetResourcesOutput> => {
      const perPage = Number(input.ResourcesPerPage ?? 100);
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
        throw new AwsError('InvalidParameterException', 'ResourcesPerPage must be between 1 and 100.');
      if (input.ResourceARNList && (input.TagFilters?.length || input.ResourceTypeFilters?.length)) {
        throw new AwsError('InvalidParameterException', 'ResourceARNList cannot be used with TagFilters or ResourceTypeFilters.');
      }
      const all = (await Promise.all(this.sources.map((source) => source(context.region)))).flat();
      const found = all
        .filter((r) => Object.keys(r.tags).length > 0)
        .filter((r) => !input.ResourceARNList || input.ResourceARNList.includes(r.arn))
        .filter((r) => !input.ResourceTypeFilters?.length || input.ResourceTypeFilters.some((f: string) => ofType(r.arn, f)))
        .filter((r) => matches(r, input.TagFilters ?? []))
        .sort((a, b) => a.arn.localeCompare(b.arn));
      const start = Number(input.PaginationToken || 0) || 0;
      return {
        ResourceTagMappingList: found
          .slice(start, start + perPage)
          .map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) })),
        PaginationToken: start + perPage < found.length ? String(start + perPage) : '',
      };
    },
  };
}
