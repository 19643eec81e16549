// The deployed state machine as the checkpoints read it: DescribeStateMachine, its Amazon States
// Language definition, and what each Task state calls (the IAM action and resource it needs).
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { check, output, stepfunctions } from '../kit/index.ts';

/** One state of an Amazon States Language definition (the fields the checkpoints read). */
export interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, any>;
  Next?: string;
  End?: boolean;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
}

export interface DeployedMachine {
  arn: string;
  type: string;
  roleArn: string;
  startAt: string;
  states: Record<string, AslState>;
}

/** The lab's state machine, as deployed. */
export async function deployedMachine(): Promise<DeployedMachine> {
  const arn = await output('StateMachineArn');
  const described = await stepfunctions().send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
  const definition = JSON.parse(described.definition ?? '{}') as { StartAt: string; States: Record<string, AslState> };
  return {
    arn,
    type: described.type ?? '',
    roleArn: described.roleArn ?? '',
    startAt: definition.StartAt,
    states: definition.States ?? {},
  };
}

/** A state of the machine, or a failure that says it is missing. */
export function stateOf(machine: DeployedMachine, name: string, hint = ''): AslState {
  const state = machine.states[name];
  check(state, `The state machine has no state "${name}" (it has: ${Object.keys(machine.states).join(', ')}).${hint ? ` ${hint}` : ''}`);
  return state;
}

/** Where a state goes when `error` is thrown in it: a retry, a catcher's next state, or nowhere. */
export function handlerOf(state: AslState, error: string): { retried: boolean; caughtBy?: string } {
  const matches = (errors: string[]) =>
    errors.includes(error) || errors.includes('States.ALL') || (errors.includes('States.TaskFailed') && !error.startsWith('States.'));
  return {
    retried: (state.Retry ?? []).some((r) => matches(r.ErrorEquals) && r.MaxAttempts !== 0),
    caughtBy: (state.Catch ?? []).find((c) => matches(c.ErrorEquals))?.Next,
  };
}

/** The IAM action and resource ARN a Task state's call needs, from its Resource and Parameters. */
export function callOf(machine: DeployedMachine, state: AslState): { action: string; resource: string } | undefined {
  const [, , , region, account] = machine.arn.split(':');
  const p = state.Parameters ?? {};
  const api = /^arn:aws:states:::([a-z]+):([A-Za-z]+)/.exec(state.Resource ?? '');
  if (!api)
    return state.Resource?.startsWith('arn:aws:lambda:') ? { action: 'lambda:InvokeFunction', resource: state.Resource } : undefined;
  const [, service, name] = api;
  const action = `${service}:${name[0].toUpperCase()}${name.slice(1)}`;
  switch (service) {
    case 'dynamodb':
      return { action, resource: `arn:aws:dynamodb:${region}:${account}:table/${p.TableName}` };
    case 'lambda':
      return {
        action: 'lambda:InvokeFunction',
        resource: String(p.FunctionName).startsWith('arn:')
          ? p.FunctionName
          : `arn:aws:lambda:${region}:${account}:function:${p.FunctionName}`,
      };
    case 'sns':
      return { action, resource: p.TopicArn };
    case 'sqs': {
      const [queueAccount, queueName] = String(p.QueueUrl).split('/').slice(-2);
      return { action, resource: `arn:aws:sqs:${region}:${queueAccount}:${queueName}` };
    }
    default:
      return { action, resource: '*' };
  }
}
