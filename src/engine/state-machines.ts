// What the page's execution view reads of a lab's Step Functions state machines: their definitions
// (DescribeStateMachine), their recent executions (ListExecutions) and an execution's history
// (GetExecutionHistory). Public APIs only, so the view works on AWS as it does locally.
import { CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { clientFor } from '../../labs/kit/clients.ts';
import type { Target } from '../../labs/kit/target.ts';
import { EngineError } from './events.ts';

/** A state machine of a lab's stack, with its Amazon States Language definition. */
export interface StateMachineView {
  arn: string;
  name: string;
  type: string;
  /** The definition as DescribeStateMachine returns it: JSON text. */
  definition: string;
}

/** One execution, as ListExecutions and DescribeExecution describe it (dates as ISO text). */
export interface ExecutionView {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate?: string;
  stopDate?: string;
  error?: string;
  cause?: string;
}

/** An event of an execution's history, as GetExecutionHistory returns it (the timestamp as ISO text). */
export type HistoryEventView = Omit<HistoryEvent, 'timestamp'> & { timestamp?: string };

const iso = (date: Date | undefined) => date?.toISOString();

/** The ARNs of the state machines in a stack (none when the stack is not deployed). */
async function machineArns(target: Target, stackName: string): Promise<string[]> {
  const resources: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await clientFor(CloudFormationClient, target).send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
      resources.push(...(page.StackResourceSummaries ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (error) {
    if ((error as Error).message?.includes('does not exist')) return [];
    throw error;
  }
  return resources
    .filter((r) => r.ResourceType === 'AWS::StepFunctions::StateMachine' && r.PhysicalResourceId?.startsWith('arn:'))
    .map((r) => r.PhysicalResourceId!);
}

/** The state machines of a lab's stack, with their definitions. */
export async function stateMachinesOf(target: Target, stackName: string): Promise<StateMachineView[]> {
  const sfn = clientFor(SFNClient, target);
  return Promise.all(
    (await machineArns(target, stackName)).map(async (stateMachineArn) => {
      const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
      return { arn: stateMachineArn, name: machine.name ?? '', type: machine.type ?? '', definition: machine.definition ?? '{}' };
    }),
  );
}

/** The state machine an execution ARN belongs to: `…:execution:<machine>:<name>` of `…:stateMachine:<machine>`. */
function machineOfExecution(executionArn: string): string | undefined {
  const match = /^(arn:[^:]+:states:[^:]*:\d*:)execution:([^:]+):[^:]+$/.exec(executionArn);
  return match ? `${match[1]}stateMachine:${match[2]}` : undefined;
}

/** The newest executions of a lab's state machines (or of one of them), newest first. */
export async function executionsOf(
  target: Target,
  stackName: string,
  options: { stateMachineArn?: string; max?: number } = {},
): Promise<ExecutionView[]> {
  const arns = await machineArns(target, stackName);
  if (options.stateMachineArn && !arns.includes(options.stateMachineArn)) {
    throw new EngineError('UnknownStateMachine', `${options.stateMachineArn} is not a state machine of ${stackName}.`);
  }
  const max = Math.min(Math.max(options.max ?? 10, 1), 100);
  const lists = await Promise.all(
    (options.stateMachineArn ? [options.stateMachineArn] : arns).map(async (stateMachineArn) => {
      const { executions = [] } = await clientFor(SFNClient, target).send(new ListExecutionsCommand({ stateMachineArn, maxResults: max }));
      return executions.map((e) => ({
        executionArn: e.executionArn!,
        stateMachineArn,
        name: e.name ?? '',
        status: e.status ?? '',
        startDate: iso(e.startDate),
        stopDate: iso(e.stopDate),
      }));
    }),
  );
  return lists
    .flat()
    .sort((a, b) => (b.startDate ?? '').localeCompare(a.startDate ?? ''))
    .slice(0, max);
}

/** An execution of one of a lab's state machines and its whole history, oldest event first. */
export async function executionHistoryOf(
  target: Target,
  stackName: string,
  executionArn: string,
): Promise<{ execution: ExecutionView; events: HistoryEventView[] }> {
  const machine = machineOfExecution(executionArn);
  if (!machine || !(await machineArns(target, stackName)).includes(machine)) {
    throw new EngineError('UnknownExecution', `${executionArn} is not an execution of a state machine of ${stackName}.`);
  }
  const sfn = clientFor(SFNClient, target);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const events: HistoryEventView[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []).map((event) => ({ ...event, timestamp: iso(event.timestamp) })));
    nextToken = page.nextToken;
  } while (nextToken);
  const execution: ExecutionView = {
    executionArn,
    stateMachineArn: machine,
    name: described.name ?? '',
    status: described.status ?? '',
    startDate: iso(described.startDate),
    stopDate: iso(described.stopDate),
    error: described.error,
    cause: described.cause,
  };
  return { execution, events };
}
