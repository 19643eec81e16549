// Lab 4's rows of the benchmark (scripts/bench.ts): its checkpoints, and the saga's execution time
// for the happy path and a compensation, on the lab's own stack deployed through the engine.
// Figures only, no asserts. (The warm redeploy row comes from bench-labs.ts, like every lab's.)
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { clientConfig } from '../labs/kit/clients.ts';
import type { Target } from '../labs/kit/target.ts';
import type { RunningCloud } from '../src/cloud/cloud.ts';
import type { LabEngine } from '../src/engine/engine.ts';
import type { EngineEvent } from '../src/engine/events.ts';

type Row = (what: string, figure: string, budget: string) => void;
const quiet = (_: EngineEvent) => undefined;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const RUNS = 30;
const ENDED = new Set(['execution-succeeded', 'execution-failed', 'execution-aborted', 'execution-timed-out']);

/** Deploys Lab 4's solution, times `verify lab-4` and its executions, and destroys it. */
export async function benchLab4(engine: LabEngine, cloud: RunningCloud, target: Target, row: Row): Promise<void> {
  let outputs: Record<string, string> = {};
  const deployed = await engine.deploy('lab-4', { solution: true, step: Number.POSITIVE_INFINITY }, (event) => {
    if (event.type === 'done' && event.outputs) outputs = event.outputs;
  });
  if (!deployed) throw new Error('Lab 4 did not deploy');

  const verifies: number[] = [];
  for (let i = 0; i < 4; i++) {
    const started = performance.now();
    const failures: string[] = [];
    const passed = await engine.verify('lab-4', (event) => {
      if (event.type === 'checkpoint' && !event.ok) failures.push(`${event.id}: ${event.detail}`);
    });
    if (!passed) throw new Error(`verify lab-4 failed on the solution: ${failures.join('; ')}`);
    verifies.push(performance.now() - started);
  }
  // The first verify after a deploy starts the functions (cold starts): shown apart.
  row('verify lab-4 (15 checkpoints), first after deploy', ms(verifies[0]), '');
  row('verify lab-4 (15 checkpoints), warm, median', ms(percentile(verifies.slice(1), 50)), '≤ 1000 ms');

  // StartExecution to the execution's end, seen on the cloud's event stream.
  const sfn = new SFNClient(clientConfig(target));
  const ends = new Map<string, (status: string) => void>();
  const stop = cloud.services.activity.subscribe((event) => {
    if (event.service === 'states' && ENDED.has(event.type)) ends.get(event.resource)?.(event.type);
  });
  const time = async (customerId: string, expected: string) => {
    const durations: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const fare = {
        customerId,
        fareId: `bench_${customerId}_${i}_${Date.now()}`,
        fareAmount: '$20.00',
        cc: '2424 2424 2424 2424',
        expiryDate: '12/22',
        cvv: '111',
      };
      const started = performance.now();
      let ended!: (status: string) => void;
      const done = new Promise<string>((resolve) => (ended = resolve));
      const name = fare.fareId;
      const executionArn = `${outputs.StateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      ends.set(executionArn, ended);
      await sfn.send(new StartExecutionCommand({ stateMachineArn: outputs.StateMachineArn, name, input: JSON.stringify(fare) }));
      const status = await done;
      if (status !== expected) throw new Error(`the ${customerId} fare ended ${status}, not ${expected}`);
      durations.push(performance.now() - started);
      ends.delete(executionArn);
    }
    return durations;
  };
  const happy = await time('3', 'execution-succeeded');
  row(`Lab 4 saga, happy path (6 states), p50 (n=${RUNS})`, ms(percentile(happy, 50)), '≤ 50 ms');
  row('Lab 4 saga, happy path, p99', ms(percentile(happy, 99)), '(AWS Standard: 142/313 ms per start)');
  const compensated = await time('3_fail_credit', 'execution-failed');
  row(`Lab 4 saga, compensation (_fail_credit, 7 states), p50 (n=${RUNS})`, ms(percentile(compensated, 50)), '≤ 50 ms');
  row('Lab 4 saga, compensation, p99', ms(percentile(compensated, 99)), '');
  stop();
  await engine.destroy('lab-4', quiet);
}
