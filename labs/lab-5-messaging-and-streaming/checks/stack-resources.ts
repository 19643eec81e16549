import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { type EventSourceMappingConfiguration, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { check, cloudformation, eventually, fail, labContext, lambda, output, sqs } from '../../kit/index.ts';

/** Physical ids of the stack's resources of one type (ARNs for topics, URLs for queues, names for streams). */
export async function physicalIds(type: string): Promise<string[]> {
  const { stackName } = labContext();
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudformation().send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    for (const r of page.StackResourceSummaries ?? []) if (r.ResourceType === type && r.PhysicalResourceId) ids.push(r.PhysicalResourceId);
    NextToken = page.NextToken;
  } while (NextToken);
  return ids;
}

/** The stack's resource of `type` whose physical id ends with `name`, or a failure naming what there is. */
export async function findResource(type: string, name: string, what: string): Promise<string> {
  const ids = await physicalIds(type);
  const found = ids.find((id) => id.endsWith(`:${name}`) || id.endsWith(`/${name}`) || id === name);
  if (!found)
    fail(
      ids.length === 0
        ? `The stack has no ${what}.`
        : `The stack has no ${what} named ${name} (it has ${ids.map((id) => id.split(/[:/]/).pop()).join(', ')}).`,
    );
  return found;
}

/** A learner-prefixed resource name. */
export const named = (name: string) => `${labContext().target.prefix}-${name}`;

/** The attributes of a queue, by URL. */
export async function queueAttributes(queueUrl: string): Promise<Record<string, string>> {
  const { Attributes = {} } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  return Attributes;
}

/** The event source mappings of the function named by the stack output `functionOutput`. */
export async function mappingsOf(functionOutput: string): Promise<EventSourceMappingConfiguration[]> {
  const { EventSourceMappings = [] } = await lambda().send(
    new ListEventSourceMappingsCommand({ FunctionName: await output(functionOutput) }),
  );
  return EventSourceMappings;
}

const SETTLING = ['Creating', 'Enabling', 'Updating'];

/**
 * The mapping of the function named by `functionOutput` whose source ARN ends with `sourceSuffix`,
 * once it is Enabled: a mapping AWS is still creating is waited for, a missing or disabled one
 * fails at once.
 */
export async function enabledMapping(functionOutput: string, sourceSuffix: string, what: string): Promise<EventSourceMappingConfiguration> {
  return eventually(`${what}'s event source mapping did not become Enabled`, async () => {
    const mapping = (await mappingsOf(functionOutput)).find((m) => m.EventSourceArn?.endsWith(sourceSuffix));
    check(mapping, `${what} has no event source mapping on ${sourceSuffix.replace(/^[:/]+/, '').replace(/^stream\//, '')}.`);
    if (SETTLING.includes(mapping.State ?? '')) return undefined;
    check(mapping.State === 'Enabled', `${what}'s event source mapping is ${mapping.State}, not Enabled.`);
    return mapping;
  });
}
