import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { output, print, stepfunctions } from '../../kit/index.ts';
import { fareItem, newFare, outcomeOf, startFare } from '../saga.ts';

/**
 * Sends the same fare twice, the two ways a retrying client can: with the same execution name
 * (Step Functions refuses it), and with a new name (the conditional put of RegisterFare refuses it).
 * The customer is charged once.
 */
export default async function sameFareTwice() {
  const fare = newFare();
  const stateMachineArn = await output('StateMachineArn');
  const first = await outcomeOf(await startFare(fare, fare.fareId));
  print(`1. execution "${fare.fareId}": ${first.status}, through ${first.path.join(' → ')}`);

  // A Standard workflow's name is unique for 90 days: the same name again is refused.
  try {
    await stepfunctions().send(new StartExecutionCommand({ stateMachineArn, name: fare.fareId, input: JSON.stringify(fare) }));
    print('2. the same name again: started?! (expected ExecutionAlreadyExists)');
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    print(`2. the same name again: refused by Step Functions (${error.name})`);
  }

  // A new name gets through Step Functions: the table has to refuse the fare.
  const second = await outcomeOf(await startFare(fare, `${fare.fareId}-again`));
  const refused = second.history.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails?.error;
  print(`3. execution "${fare.fareId}-again": ${second.status}, through ${second.path.join(' → ')}${refused ? ` (${refused})` : ''}`);

  const charges = [first, second].filter((outcome) => outcome.path.includes('ChargeFare')).length;
  print(charges === 1 ? 'Charged once: the second execution stopped at RegisterFare.' : `ChargeFare ran ${charges} times for one fare.`);
  print(`Fares table: ${JSON.stringify(await fareItem(fare.fareId))}`);
}
