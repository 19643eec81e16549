import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientFor } from '../../../labs/kit/clients.ts';
import type { Target } from '../../../labs/kit/target.ts';
import { BOOTSTRAP_VERSION_PARAMETER } from '../deploy/bootstrap.ts';
import { EngineError } from '../events.ts';

/** The account the target's credentials belong to; a clear error when there are none. */
export async function whoAmI(target: Target): Promise<{ account: string; arn: string }> {
  try {
    const identity = await clientFor(STSClient, target).send(new GetCallerIdentityCommand({}));
    return { account: identity.Account!, arn: identity.Arn! };
  } catch (error) {
    throw new EngineError(
      'NoCredentials',
      `No AWS credentials work for ${target.region}: ${(error as Error).message}. Configure them (aws configure, AWS_PROFILE or environment variables) and try again.`,
    );
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

/**
 * Whether a CDKToolkit stack in this status can serve deployments: created or updated (an update
 * rolled back leaves the previous, working stack). A creation that failed or rolled back cannot.
 */
export function usableBootstrap(status: string | undefined): boolean {
  return status !== undefined && (status === 'CREATE_COMPLETE' || (status.startsWith('UPDATE_') && !status.endsWith('FAILED')));
}

/** Fails with the command that fixes it when the account and region are not bootstrapped for the CDK. */
export async function requireBootstrap(target: Target, account: string): Promise<void> {
  const status = await bootstrapStatus(target);
  if (!usableBootstrap(status)) {
    throw new EngineError(
      'NotBootstrapped',
      `Account ${account} is not bootstrapped for the CDK in ${target.region}${status ? ` (CDKToolkit is ${status})` : ''}. Bootstrap it once: npx workshop bootstrap --target aws --region ${target.region}`,
    );
  }
}

/**
 * Fails, saying what to do, when the CDK bootstrap's version parameter exists without its stack:
 * the bootstrap stack cannot be created over it. The local target's deployer leaves one on a
 * local cloud, so an AWS target sent to that cloud (AWS_ENDPOINT_URL) meets it.
 */
export async function requireNoStrayBootstrapParameter(target: Target): Promise<void> {
  try {
    await clientFor(SSMClient, target).send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }));
  } catch {
    return; // No parameter (or no right to read it): nothing stands in the way.
  }
  throw new EngineError(
    'BootstrapParameterExists',
    `The parameter ${BOOTSTRAP_VERSION_PARAMETER} exists in ${target.region} but no working CDKToolkit stack does, so the CDK cannot bootstrap over it. On a local cloud (the local target made it), run npx workshop reset first; elsewhere, delete the parameter (aws ssm delete-parameter --name ${BOOTSTRAP_VERSION_PARAMETER}) and bootstrap again.`,
  );
}
