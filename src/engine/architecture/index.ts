import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { clientFor } from '../../../labs/kit/clients.ts';
import type { Target } from '../../../labs/kit/target.ts';
import { describeStack } from '../deploy/stack-operations.ts';
import { buildArchitecture } from './build.ts';
import { collectStack } from './collect.ts';
import type { Architecture } from './types.ts';

export type { ArchEdge, Architecture, ArchNode } from './types.ts';

const SETTLED = /_COMPLETE$/;

/**
 * The architecture of a lab as deployed now: its stack's resources and the links between them.
 * A stack that does not exist (or is gone) answers `deployed: false` with nothing to draw.
 */
export async function describeArchitecture(target: Target, lab: string, stackName: string): Promise<Architecture> {
  const stack = await describeStack(clientFor(CloudFormationClient, target), stackName);
  const status = stack?.StackStatus ?? null;
  if (
    !stack ||
    !status ||
    status.startsWith('DELETE_') ||
    (!SETTLED.test(status) && !status.endsWith('_IN_PROGRESS') && !status.endsWith('_FAILED'))
  ) {
    return { lab, stackName, deployed: false, status, region: target.region, nodes: [], edges: [], notes: [] };
  }
  if (status === 'ROLLBACK_COMPLETE' || status === 'CREATE_FAILED') {
    return {
      lab,
      stackName,
      deployed: false,
      status,
      region: target.region,
      nodes: [],
      edges: [],
      notes: [`${stackName} failed to create (${status}): deploy again once the error is fixed.`],
    };
  }
  return buildArchitecture(lab, stackName, status, await collectStack(target, stackName));
}
