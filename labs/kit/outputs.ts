import { DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { fail } from './checkpoint.ts';
import { cloudformation } from './clients.ts';
import { labContext, oncePerRun } from './context.ts';

/**
 * The current lab's stack as deployed: its outputs and its parameters' values, read with
 * CloudFormation's DescribeStacks once per run (the checkpoints a verify starts at once share it).
 */
async function deployedStack(): Promise<{ outputs: Record<string, string>; parameters: Record<string, string> }> {
  const { stackName, labId } = labContext();
  const stack = await oncePerRun('deployed stack', async () => {
    let stack: Stack | undefined;
    try {
      const { Stacks } = await cloudformation().send(new DescribeStacksCommand({ StackName: stackName }));
      stack = Stacks?.[0];
    } catch (error) {
      if ((error as Error).message?.includes('does not exist')) {
        fail(`Stack ${stackName} is not deployed. Deploy it first: npx workshop deploy ${labId}`);
      }
      throw error;
    }
    if (!stack || stack.StackStatus?.endsWith('_FAILED') || stack.StackStatus === 'DELETE_COMPLETE') {
      fail(`Stack ${stackName} is not deployed (${stack?.StackStatus ?? 'missing'}). Deploy it: npx workshop deploy ${labId}`);
    }
    return {
      outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
      parameters: Object.fromEntries(
        (stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ResolvedValue ?? p.ParameterValue ?? '']),
      ),
    };
  });
  // The lookup fails rather than answer nothing.
  return stack!;
}

/** The outputs of the current lab's stack. */
export async function stackOutputs(): Promise<Record<string, string>> {
  return (await deployedStack()).outputs;
}

/**
 * The value a parameter of the current lab's stack was deployed with (a `CfnParameter`), e.g. how
 * long the lab's deadline is on this target; fails with a hint when the stack has no such parameter.
 */
export async function stackParameter(name: string): Promise<string> {
  const { parameters } = await deployedStack();
  const value = parameters[name];
  if (value === undefined) {
    fail(`The stack has no parameter "${name}" (it has: ${Object.keys(parameters).join(', ') || 'none'}).`);
  }
  return value;
}

/** One output of the current lab's stack; fails with a hint when the stack does not have it. */
export async function output(name: string): Promise<string> {
  const outputs = await stackOutputs();
  const value = outputs[name];
  if (value === undefined) {
    fail(`The stack has no output "${name}" (it has: ${Object.keys(outputs).join(', ') || 'none'}).`);
  }
  return value;
}

/** Like `output`, but undefined instead of failing when the stack lacks it. */
export async function optionalOutput(name: string): Promise<string | undefined> {
  return (await stackOutputs())[name];
}
