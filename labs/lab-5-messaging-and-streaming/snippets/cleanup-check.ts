import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeStreamSummaryCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { cloudformation, kinesis, labContext, print } from '../../kit/index.ts';

/** Whether the lab's stack still exists (and is not deleted). */
async function stackExists(stackName: string): Promise<boolean> {
  try {
    const { Stacks = [] } = await cloudformation().send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks.some((stack) => stack.StackStatus !== 'DELETE_COMPLETE');
  } catch (error) {
    if ((error as Error).message?.includes('does not exist')) return false;
    throw error;
  }
}

/**
 * What still bills by the hour: the Kinesis streams named with your prefix. A stream costs per
 * shard-hour whether anyone writes to it or not. While the lab is deployed, this tells you what
 * it is costing; after destroy, it proves the stream is gone, and fails if one was left behind.
 */
export default async function cleanupCheck() {
  const { target, stackName } = labContext();
  const names: string[] = [];
  let ExclusiveStartStreamName: string | undefined;
  for (;;) {
    const page = await kinesis().send(new ListStreamsCommand({ ExclusiveStartStreamName }));
    names.push(...(page.StreamNames ?? []).filter((name) => name.startsWith(`${target.prefix}-`)));
    if (!page.HasMoreStreams || !page.StreamNames?.length) break;
    ExclusiveStartStreamName = page.StreamNames.at(-1);
  }
  const deployed = await stackExists(stackName);
  const left: string[] = [];
  for (const name of names) {
    const { StreamDescriptionSummary: s } = await kinesis().send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (s!.StreamStatus === 'DELETING') {
      print(`${name}: being deleted (DELETING); run this check again in a minute to see it gone.`);
      continue;
    }
    const hours = (Date.now() - s!.StreamCreationTimestamp!.getTime()) / 3_600_000;
    print(
      `${name}: ${s!.StreamStatus}, ${s!.OpenShardCount} shard(s), up ${hours.toFixed(1)} h: about ${Math.ceil(hours * (s!.OpenShardCount ?? 0))} shard-hours so far`,
    );
    left.push(name);
  }
  if (names.length === 0) {
    print(
      `No Kinesis stream of ${target.prefix} in ${target.region}: nothing bills by the shard-hour.${deployed ? '' : ` ${stackName} is gone too.`}`,
    );
    return;
  }
  if (left.length === 0) return;
  if (deployed) {
    print(
      `${stackName} is deployed: its stream bills by the shard-hour until you destroy it (npx workshop destroy ${labContext().labId}).`,
    );
    return;
  }
  throw new Error(
    `${stackName} is destroyed, but ${left.join(', ')} still exist${left.length === 1 ? 's' : ''} and bill by the shard-hour. Delete it: aws kinesis delete-stream --stream-name ${left[0]}${target.kind === 'aws' ? '' : ` --endpoint-url ${target.endpoint}`}`,
  );
}
