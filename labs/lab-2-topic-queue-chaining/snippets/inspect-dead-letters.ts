import { ChangeMessageVisibilityBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { functionLogLines, output, print, sqs } from '../../kit/index.ts';
import { type ConsumerService, deadLetterQueueOf, depthOf, findQueue, SERVICES } from '../services.ts';

/**
 * The DLQ runbook, steps 1 and 2: finds what is in each dead-letter queue, and reads why it
 * failed: from the consumer's log line for the message, or from the ErrorReason the worker
 * attached. It looks without taking: each message is visible again right after.
 */
export default async function inspectDeadLetters() {
  let total = 0;
  for (const source of [...SERVICES, 'RideBatchQueue'] as const) {
    const queue = await findQueue(typeof source === 'string' ? source : source.queue);
    const dlq = queue && (await deadLetterQueueOf(queue));
    if (!dlq) continue;
    const { visible, inFlight } = await depthOf(dlq.url);
    total += visible + inFlight;
    print(`── ${dlq.arn.split(':').pop()}: ${visible} message(s)${inFlight ? `, ${inFlight} in flight` : ''}`);
    for (const message of await peek(dlq.url, 5)) print(`   ${await describe(message, source)}`);
    if (visible > 5) print(`   … and ${visible - 5} more`);
  }
  print(
    total === 0
      ? 'The dead-letter queues are empty.'
      : `${total} dead letter(s). Once the cause is fixed (fix-consumers), redrive them (redrive-dead-letters).`,
  );
}

/** Up to `max` messages of a queue, left in it: received, then made visible again at once. */
async function peek(queueUrl: string, max: number): Promise<Message[]> {
  const { Messages = [] } = await sqs().send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      VisibilityTimeout: 5,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  if (Messages.length > 0) {
    await sqs().send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
  return Messages;
}

/** One line about a dead letter: what it is, since when it has been around, and why it failed. */
async function describe(message: Message, source: ConsumerService | 'RideBatchQueue'): Promise<string> {
  const sent = new Date(Number(message.Attributes?.SentTimestamp)).toISOString().slice(11, 19);
  const receives = message.Attributes?.ApproximateReceiveCount;
  const reason = message.MessageAttributes?.ErrorReason?.StringValue;
  if (source === 'RideBatchQueue') {
    return `message ${message.MessageId?.slice(0, 8)} (first sent ${sent}): ${reason ? `rejected by the worker: ${reason}` : `failed ${receives} receives without a reason attached (see the worker's output)`}`;
  }
  let ride: { id?: string; customer?: string; fare?: number } = {};
  try {
    ride = JSON.parse(message.Body ?? '');
  } catch {
    // Not JSON: the consumer's log says so.
  }
  // The consumer logs every failure with the message id and the reason (the id stays the same in the DLQ).
  const failures = (await functionLogLines(await output(source.functionOutput), message.MessageId!)).filter((line) =>
    line.includes('"failed"'),
  );
  const last = failures.at(-1);
  const why = last ? (JSON.parse(last.slice(last.indexOf('{'))) as { error: string; reason: string }) : undefined;
  const what = ride.id
    ? `ride ${ride.id.slice(0, 8)} (${ride.customer}, fare ${ride.fare})`
    : `message ${message.MessageId?.slice(0, 8)}: ${(message.Body ?? '').slice(0, 40)}`;
  return `${what}, first sent ${sent}: ${why ? `failed ${failures.length} times in ${source.label}, last with ${why.error}: ${why.reason}` : 'no failure logged by the consumer'}`;
}
