import {
  type CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
  type StackEvent,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { EngineError, type Report } from '../events.ts';

/** The stack as CloudFormation describes it, or undefined when there is none. */
export async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0];
  } catch (error) {
    if ((error as Error).message?.includes('does not exist')) return undefined;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows a stack operation through its events until the stack leaves the IN_PROGRESS states,
 * reporting each resource's progress. Polls quickly at first (a local deploy takes milliseconds)
 * and backs off to `maxIntervalMs` (a deploy on AWS takes a minute).
 */
export async function followStack(
  cfn: CloudFormationClient,
  stackId: string,
  since: Date,
  report: Report,
  maxIntervalMs: number,
): Promise<{ stack: Stack; failure?: StackEvent }> {
  const seen = new Set<string>();
  let interval = 10;
  let firstFailure: StackEvent | undefined;
  for (;;) {
    const events: StackEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }));
      const fresh = (page.StackEvents ?? []).filter((e) => e.Timestamp! >= since && !seen.has(e.EventId!));
      events.push(...fresh);
      nextToken = fresh.length === (page.StackEvents ?? []).length ? page.NextToken : undefined;
    } while (nextToken);
    for (const event of events.reverse()) {
      seen.add(event.EventId!);
      if (event.ResourceType === 'AWS::CloudFormation::Stack') continue;
      if (
        event.ResourceStatus?.endsWith('_FAILED') &&
        !firstFailure &&
        !event.ResourceStatusReason?.includes('Resource creation cancelled')
      )
        firstFailure = event;
      report({
        type: 'resource',
        logicalId: event.LogicalResourceId!,
        resourceType: event.ResourceType!,
        status: event.ResourceStatus!,
        reason: event.ResourceStatusReason,
      });
    }
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    const stack = Stacks![0];
    if (!stack.StackStatus!.endsWith('_IN_PROGRESS')) return { stack, failure: firstFailure };
    await sleep(interval);
    interval = Math.min(interval * 2, maxIntervalMs);
  }
}

/** Creates the stack or updates it to `templateBody`; resolves with the stack once settled. */
export async function applyStack(
  cfn: CloudFormationClient,
  input: {
    stackName: string;
    templateBody: string;
    tags: Record<string, string>;
    /** Set when the template was published to S3 for being too large to send. */
    templateUrl?: string;
    /** Values of the template's parameters; those not given take their template default. */
    parameters?: Record<string, string>;
  },
  report: Report,
  maxIntervalMs: number,
): Promise<Stack> {
  const existing = await describeStack(cfn, input.stackName);
  const Tags = Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value }));
  const template = input.templateUrl ? { TemplateURL: input.templateUrl } : { TemplateBody: input.templateBody };
  const Parameters = Object.entries(input.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
  const common = {
    StackName: input.stackName,
    ...template,
    ...(Parameters.length > 0 ? { Parameters } : {}),
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const,
    Tags,
  };
  const since = new Date(Date.now() - 1);
  let stackId: string;
  if (existing && existing.StackStatus === 'ROLLBACK_COMPLETE') {
    // A stack whose creation failed cannot be updated: CloudFormation requires deleting it first.
    report({ type: 'progress', message: `Removing ${input.stackName}, whose first deploy failed (ROLLBACK_COMPLETE)…` });
    await cfn.send(new DeleteStackCommand({ StackName: existing.StackId }));
    await followStack(cfn, existing.StackId!, since, report, maxIntervalMs);
  }
  if (!existing || existing.StackStatus === 'ROLLBACK_COMPLETE') {
    report({ type: 'progress', message: `Creating stack ${input.stackName}…` });
    ({ StackId: stackId } = (await cfn.send(new CreateStackCommand({ ...common, Capabilities: [...common.Capabilities] }))) as {
      StackId: string;
    });
  } else {
    report({ type: 'progress', message: `Updating stack ${input.stackName}…` });
    try {
      ({ StackId: stackId } = (await cfn.send(new UpdateStackCommand({ ...common, Capabilities: [...common.Capabilities] }))) as {
        StackId: string;
      });
    } catch (error) {
      if ((error as Error).message?.includes('No updates are to be performed')) {
        report({ type: 'progress', message: 'No changes: the deployed stack is already up to date.' });
        return existing;
      }
      throw error;
    }
  }
  const { stack, failure } = await followStack(cfn, stackId, since, report, maxIntervalMs);
  if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE'].includes(stack.StackStatus!)) {
    const where = failure ? `${failure.LogicalResourceId} (${failure.ResourceType})` : input.stackName;
    const reason = String(failure?.ResourceStatusReason ?? stack.StackStatusReason ?? stack.StackStatus).replace(/\.+$/, '');
    throw new EngineError(
      'DeployFailed',
      `Deploy failed at ${where}: ${reason}. The stack is ${stack.StackStatus}.`,
      failure?.LogicalResourceId,
    );
  }
  return stack;
}

/** Deletes the stack and waits until it is gone. */
export async function deleteStack(cfn: CloudFormationClient, stackName: string, report: Report, maxIntervalMs: number): Promise<boolean> {
  const existing = await describeStack(cfn, stackName);
  if (!existing) return false;
  const since = new Date(Date.now() - 1);
  await cfn.send(new DeleteStackCommand({ StackName: existing.StackId }));
  const { stack, failure } = await followStack(cfn, existing.StackId!, since, report, maxIntervalMs);
  if (stack.StackStatus !== 'DELETE_COMPLETE') {
    throw new EngineError(
      'DestroyFailed',
      `Destroy failed at ${failure?.LogicalResourceId ?? stackName}: ${failure?.ResourceStatusReason ?? stack.StackStatusReason}.`,
      failure?.LogicalResourceId,
    );
  }
  return true;
}
