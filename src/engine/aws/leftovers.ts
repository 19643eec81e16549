import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { clientFor } from '../../../labs/kit/clients.ts';
import type { Target } from '../../../labs/kit/target.ts';
import { WORKSHOP_TAG, WORKSHOP_TAG_VALUE } from '../deploy/synth.ts';

/**
 * ARNs of resources still tagged by the workshop for this learner (and lab), found with the
 * Resource Groups Tagging API. AWS removes deleted resources from its results within minutes.
 */
async function taggedLeftovers(target: Target, labId?: string): Promise<string[]> {
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

/**
 * Log groups of the learner's functions that exist although nothing tags them: Lambda creates
 * `/aws/lambda/<function>` itself when a function logs and its group is missing (for instance
 * when an invocation still runs while its stack is deleted). Only those of `functionNames` when
 * given (one lab's functions), else every group under the learner's prefix.
 */
async function untaggedLogGroups(target: Target, functionNames?: string[]): Promise<string[]> {
  const client = clientFor(CloudWatchLogsClient, target);
  const wanted = functionNames && new Set(functionNames.map((name) => `/aws/lambda/${name}`));
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${target.prefix}-`, nextToken }));
    for (const group of page.logGroups ?? []) {
      if (!group.logGroupName || (wanted && !wanted.has(group.logGroupName))) continue;
      arns.push((group.arn ?? group.logGroupName).replace(/:\*$/, ''));
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

/**
 * What the workshop left behind for this learner (and lab): resources it tagged, and the log
 * groups Lambda created for the lab's functions outside the stack.
 */
export async function findLeftovers(target: Target, labId?: string, functionNames?: string[]): Promise<string[]> {
  const [tagged, logGroups] = await Promise.all([
    taggedLeftovers(target, labId),
    untaggedLogGroups(target, labId ? (functionNames ?? []) : undefined),
  ]);
  return [...new Set([...tagged, ...logGroups])];
}
