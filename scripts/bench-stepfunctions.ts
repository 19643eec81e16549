// The Step Functions row of the benchmark (scripts/bench.ts): a Lab 4-sized execution (the fare
// saga deployed from its CDK stack: DynamoDB, two Lambda tasks, an update and an SNS publish)
// from StartExecution to ExecutionSucceeded. Figures only, no asserts.
import { CloudFormationClient, CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { ListStateMachinesCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { clientConfig } from '../labs/kit/clients.ts';
import type { Target } from '../labs/kit/target.ts';
import type { RunningCloud } from '../src/cloud/cloud.ts';
import { lab4Stack, synthesizeTemplate } from '../src/cloud/services/cloudformation/lab-constructs.stacks.ts';
import { waitForStack } from '../src/cloud/testing/stacks.ts';

type Row = (what: string, figure: string, budget: string) => void;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const RUNS = 30;

/** Deploys the Lab 4 saga (the bench cloud is bootstrapped by the lab deploys before it) and times its executions. */
export async function stepFunctionsExecution(cloud: RunningCloud, target: Target, row: Row): Promise<void> {
  const cfn = new CloudFormationClient(clientConfig(target));
  const sfn = new SFNClient(clientConfig(target));
  const StackName = 'bench-lab4';
  const { StackId } = await cfn.send(
    new CreateStackCommand({
      StackName,
      TemplateBody: synthesizeTemplate(lab4Stack, { stackName: StackName, prefix: 'bench', variant: 0 }),
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
  const { StackStatus, StackStatusReason } = await waitForStack(cfn, StackId!);
  if (StackStatus !== 'CREATE_COMPLETE') throw new Error(`the Lab 4 stack did not deploy: ${StackStatus} (${StackStatusReason})`);
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  const stateMachineArn = stateMachines.find((m) => m.name === 'bench-FareProcessing')!.stateMachineArn!;

  const started = new Map<string, number>();
  const durations: number[] = [];
  let finished: () => void = () => undefined;
  const stop = cloud.services.activity.subscribe((event) => {
    if (event.service !== 'states' || event.type !== 'execution-succeeded' || !started.has(event.resource)) return;
    durations.push(performance.now() - started.get(event.resource)!);
    finished();
  });
  for (let i = 0; i < RUNS; i++) {
    const done = new Promise<void>((resolve) => (finished = resolve));
    const t = performance.now();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        input: JSON.stringify({ customerId: '3', fareId: `bench_${i}`, fareAmount: '$20.00' }),
      }),
    );
    started.set(executionArn!, t);
    await done;
  }
  stop();
  row(`Lab 4 saga execution, start → succeeded, p50 (n=${durations.length})`, ms(percentile(durations, 50)), '(7 states, 5 tasks)');
  row('Lab 4 saga execution, start → succeeded, p99', ms(percentile(durations, 99)), '(AWS: 142/313 ms per start)');
  await cfn.send(new DeleteStackCommand({ StackName }));
  await waitForStack(cfn, StackId!);
}
