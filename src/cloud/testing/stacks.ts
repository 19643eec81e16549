import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../../labs/kit/clients.ts';
import type { Target } from '../../../labs/kit/target.ts';
import { bootstrapEndpoint } from '../../engine/deploy/bootstrap.ts';
import { LOCAL_ACCOUNT_ID } from '../aws/context.ts';

/**
 * Polls DescribeStacks until the stack's status no longer ends in `_IN_PROGRESS`, and resolves
 * with the stack. Past the deadline it fails with the status and reason the stack is stuck on,
 * so a stuck deploy reads as a failure instead of a test run that never ends. Pass the stack id
 * (not the name) to follow a stack through its deletion: AWS stops describing deleted stacks by
 * name.
 */
export async function waitForStack(
  cfn: CloudFormationClient,
  nameOrId: string,
  { timeoutMs = 30_000, intervalMs = 10 } = {},
): Promise<Stack> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName: nameOrId }));
    const stack = Stacks[0];
    if (!stack) throw new Error(`DescribeStacks returned no stack for ${nameOrId}`);
    if (!stack.StackStatus!.endsWith('_IN_PROGRESS')) return stack;
    if (Date.now() >= deadline)
      throw new Error(
        `stack ${nameOrId} is still ${stack.StackStatus} after ${timeoutMs} ms: ${stack.StackStatusReason ?? 'no reason given'}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Prepares a test cloud's target as `cdk bootstrap` prepares an account: the templates the CDK
 * synthesizes check the bootstrap version parameter, and their assets go to its bucket.
 */
export async function bootstrapTarget(target: Target): Promise<void> {
  const config = clientConfig(target);
  await bootstrapEndpoint(new S3Client({ ...config, forcePathStyle: true }), new SSMClient(config), LOCAL_ACCOUNT_ID, target.region);
}
