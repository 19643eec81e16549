import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientFor } from '../../../labs/kit/clients.ts';
import type { Target } from '../../../labs/kit/target.ts';
import { EngineError } from '../events.ts';

/** The account the target's credentials belong to; a clear error when there are none. */
export async function whoAmI(target: Target): Promise<{ account: string; arn: string }> {
  try {
    const identity = await clientFor(STSClient, target).send(new GetCallerIdentityCommand({}));
    return { account: identity.Account!, arn: identity.Arn! };
  } catch (error) {
    throw new EngineError('NoCredentials', `No AWS credentials work for ${target.region}: ${(error as Error).message}. Configure them (aws configure, AWS_PROFILE or environment variables) and try again.`);
  }
}

/** The CDK bootstrap stack's status in the target's account and region, or undefined when there is none. */
export async function bootstrapStatus(target: Target): Promise<string | undefined> {
  try {
    const { Stacks = [] } = await clientFor(CloudFormationClient, target).send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }));
    return Stacks[0]?.StackStatus;
  } catch (error) {
    if ((error as Error).message?.includes('does not exist')) return undefined;
    throw error;
  }
}

/** Fails with the command that fixes it when the account and region are not bootstrapped for the CDK. */
export async function requireBootstrap(target: Target, account: string): Promise<void> {
  const status = await bootstrapStatus(target);
  if (!status || status.startsWith('DELETE') || status.endsWith('FAILED')) {
    throw new EngineError(
      'NotBootstrapped',
      `Account ${account} is not bootstrapped for the CDK in ${target.region}${status ? ` (CDKToolkit is ${status})` : ''}. Bootstrap it once: npx workshop bootstrap --target aws --region ${target.region}`,
    );
  }
}
