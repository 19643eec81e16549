import { SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { output, print, sqs, stepfunctions } from '../../kit/index.ts';
import { newFare, outcomeOf, startFare } from '../saga.ts';

/**
 * The human who settles refunds that failed: reads the parked refunds from the queue, gives the
 * money back by hand (here: prints it), and answers each waiting execution with SendTaskSuccess,
 * so that the saga goes on. With nothing parked, it first runs a fare whose refund fails.
 */
export default async function settleRefund() {
  const queueUrl = await output('FailedRefundsQueueUrl');
  let { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  if (Messages.length === 0) {
    const fare = newFare('3_fail_refund');
    print(`Nothing parked: processing fare ${fare.fareId} for customer ${fare.customerId}, whose refund fails…`);
    const parked = await outcomeOf(await startFare(fare));
    print(
      parked.waitingIn
        ? `…parked: ${parked.waitingIn} waits for a human.`
        : `…it ended ${parked.status} without waiting: is ParkFailedRefund a .waitForTaskToken task (step 6)?`,
    );
    ({ Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })));
  }
  for (const message of Messages) {
    const refund = JSON.parse(message.Body ?? '{}') as {
      fareId: string;
      customerId: string;
      fareAmount: string;
      chargeId: string;
      execution: string;
      taskToken?: string;
    };
    print(`Refunding ${refund.fareAmount} of charge ${refund.chargeId} (fare ${refund.fareId}, customer ${refund.customerId}) by hand.`);
    if (refund.taskToken) {
      const settlement = { settledBy: 'snippet settle-refund', refundedAt: new Date().toISOString() };
      try {
        await stepfunctions().send(new SendTaskSuccessCommand({ taskToken: refund.taskToken, output: JSON.stringify(settlement) }));
        const outcome = await outcomeOf(refund.execution);
        print(
          `  SendTaskSuccess → the saga went on: ${outcome.path.slice(outcome.path.indexOf('ParkFailedRefund')).join(' → ')} (${outcome.status})`,
        );
      } catch (error) {
        // The execution stopped waiting (it timed out, was stopped, or someone answered already).
        if (!(error instanceof TaskTimedOut || error instanceof TaskDoesNotExist)) throw error;
        print(`  the execution no longer waits for this token (${error.name}): settled by hand only`);
      }
    } else {
      print('  (no task token in the message: the saga did not wait for this one, nothing to answer)');
    }
    await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
}
