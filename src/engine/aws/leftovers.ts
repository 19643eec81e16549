import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { clientFor } from '../../../labs/kit/clients.ts';
import type { Target } from '../../../labs/kit/target.ts';
import { WORKSHOP_TAG, WORKSHOP_TAG_VALUE } from '../deploy/synth.ts';

/**
 * ARNs of resources still tagged by the workshop for this learner (and lab), found with the
 * Resource Groups Tagging API. AWS removes deleted resources from its results within minutes.
 */
export async function findLeftovers(target: Target, labId?: string): Promise<string[]> {
  const client = clientFor(ResourceGroupsTaggingAPIClient, target);
  const TagFilters = [
    { Key: WORKSHOP_TAG, Values: [WORKSHOP_TAG_VALUE] },
    { Key: 'workshop:learner', Values: [target.prefix] },
    ...(labId ? [{ Key: 'workshop:lab', Values: [labId] }] : []),
  ];
  const arns: string[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await client.send(new GetResourcesCommand({ TagFilters, PaginationToken }));
    for (const resource of page.ResourceTagMappingList ?? []) if (resource.ResourceARN) arns.push(resource.ResourceARN);
    PaginationToken = page.PaginationToken || undefined;
  } while (PaginationToken);
  return arns;
}
