import { type ExecutionListItem, type HistoryEvent, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { output, print, stepfunctions } from '../../kit/index.ts';
import { historyOf } from '../saga.ts';

/**
 * AWS's prices for US East (N. Virginia), from https://aws.amazon.com/step-functions/pricing/
 * (checked 2026-11-30; other Regions differ, and the pricing page is what AWS bills by).
 */
export const PRICES = {
  checked: '2026-11-30',
  region: 'us-east-1',
  /** Standard: per state transition ($0.025 per 1,000), retries included; 4,000 free a month. */
  standardPerTransition: 0.025 / 1_000,
  standardFreeTransitionsPerMonth: 4_000,
  /** Express: per execution started ($1.00 per million)… */
  expressPerRequest: 1.0 / 1_000_000,
  /** …and per GB-second ($0.06 per GB-hour for the first 1,000 GB-hours a month). */
  expressPerGbSecond: 0.06 / 3_600,
  /** Express bills memory in 64 MB chunks (a small workflow uses one) and duration in 100 ms steps. */
  expressBilledMemoryMb: 64,
  expressDurationStepMs: 100,
};

/**
 * State transitions of one execution: one per state entered, plus one per retry (a Task that is
 * scheduled again), as AWS counts them for Standard workflows.
 */
export function stateTransitions(history: HistoryEvent[]): number {
  const entered = history.filter((e) => e.type?.endsWith('StateEntered')).length;
  const tasksEntered = history.filter((e) => e.type === 'TaskStateEntered').length;
  const tasksScheduled = history.filter((e) => e.type === 'TaskScheduled' || e.type === 'LambdaFunctionScheduled').length;
  return entered + Math.max(0, tasksScheduled - tasksEntered);
}

/** What one execution costs as Standard, and would cost as Express (undefined where Express cannot run it). */
export function executionCost(history: HistoryEvent[], durationMs: number) {
  const transitions = stateTransitions(history);
  const callback = history.some((e) => e.taskScheduledEventDetails?.resource?.endsWith('.waitForTaskToken'));
  const billedSeconds = (Math.ceil(Math.max(durationMs, 1) / PRICES.expressDurationStepMs) * PRICES.expressDurationStepMs) / 1_000;
  const express = callback
    ? undefined
    : PRICES.expressPerRequest + billedSeconds * (PRICES.expressBilledMemoryMb / 1_024) * PRICES.expressPerGbSecond;
  return { transitions, standard: transitions * PRICES.standardPerTransition, express };
}

const dollars = (value: number) => `$${value.toFixed(value < 0.01 ? 7 : 2)}`;

/**
 * The cost of the executions you ran (up to the 100 newest that have ended), computed from their
 * histories: per state transition as the Standard workflow they are, and as an Express workflow.
 */
export default async function cost() {
  const stateMachineArn = await output('StateMachineArn');
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stepfunctions().send(new ListExecutionsCommand({ stateMachineArn, maxResults: 100, nextToken }));
    executions.push(...(page.executions ?? []).filter((e) => e.status !== 'RUNNING'));
    nextToken = page.nextToken;
  } while (nextToken && executions.length < 100);
  if (executions.length === 0) return print('No finished execution yet: process a fare first.');
  print(`Prices: AWS Step Functions, ${PRICES.region}, checked ${PRICES.checked} (aws.amazon.com/step-functions/pricing)`);
  print(
    `${'execution'.padEnd(28)} ${'status'.padEnd(10)} ${'ms'.padStart(6)} ${'transitions'.padStart(11)} ${'Standard'.padStart(11)} ${'Express'.padStart(11)}`,
  );
  const total = { transitions: 0, standard: 0, express: 0, expressable: 0 };
  for (const execution of executions.slice(0, 100)) {
    const durationMs = execution.stopDate!.getTime() - execution.startDate!.getTime();
    const cost = executionCost(await historyOf(execution.executionArn!), durationMs);
    total.transitions += cost.transitions;
    total.standard += cost.standard;
    if (cost.express !== undefined) {
      total.express += cost.express;
      total.expressable++;
    }
    print(
      `${execution.name!.slice(0, 28).padEnd(28)} ${execution.status!.padEnd(10)} ${String(durationMs).padStart(6)} ${String(cost.transitions).padStart(11)} ${dollars(cost.standard).padStart(11)} ${(cost.express === undefined ? 'n/a' : dollars(cost.express)).padStart(11)}`,
    );
  }
  const n = Math.min(executions.length, 100);
  print('');
  print(
    `${n} executions, ${total.transitions} state transitions: Standard ${dollars(total.standard)} (the first ${PRICES.standardFreeTransitionsPerMonth.toLocaleString('en')} transitions of a month are free), Express ${dollars(total.express)} for the ${total.expressable} it could run.`,
  );
  const perMillion = (value: number, count: number) => (count ? dollars((value / count) * 1_000_000) : 'n/a');
  print(
    `At a million such fares a month: Standard ${perMillion(total.standard, n)}, Express ${perMillion(total.express, total.expressable)} (Express duration here is the local cloud's; on AWS the Lambda calls make it longer).`,
  );
  if (total.expressable < n)
    print('Executions that wait for a task token (.waitForTaskToken) cannot run as Express workflows: they are n/a.');
}
