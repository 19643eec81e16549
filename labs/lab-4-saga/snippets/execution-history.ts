import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { output, print, stepfunctions } from '../../kit/index.ts';
import { historyOf } from '../saga.ts';

/** What each history event says in one line: the state, the error, or nothing more. */
function detailOf(event: Record<string, any>): string {
  const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] ?? {};
  if (details.name) return details.name;
  if (details.error) return `${details.error}`;
  if (details.resourceType) return `${details.resourceType}:${details.resource}`;
  return '';
}

/**
 * Reads the history of your latest execution through the API (GetExecutionHistory), as the
 * console's "Events" table shows it: every event, its type, and the time since the start.
 */
export default async function executionHistory() {
  const { executions = [] } = await stepfunctions().send(
    new ListExecutionsCommand({ stateMachineArn: await output('StateMachineArn'), maxResults: 1 }),
  );
  if (executions.length === 0) return print('No execution yet: process a fare first.');
  const [latest] = executions;
  print(`${latest.name}: ${latest.status}`);
  const events = await historyOf(latest.executionArn!);
  const start = events[0].timestamp!.getTime();
  print(`${'id'.padStart(3)}  ${'type'.padEnd(28)} ${'+ms'.padStart(6)}  detail`);
  for (const event of events) {
    print(
      `${String(event.id).padStart(3)}  ${event.type!.padEnd(28)} ${String(event.timestamp!.getTime() - start).padStart(6)}  ${detailOf(event)}`,
    );
  }
}
