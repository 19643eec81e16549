import { type Message, ReceiveMessageCommand, type ReceiveMessageCommandOutput, type SQSClient } from '@aws-sdk/client-sqs';
import { longPoll } from '../sqs/long-poll.ts';

/** What a poller needs to know of its mapping to gather a batch. */
export interface BatchSettings {
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
}

/**
 * One poller's next batch: up to BatchSize messages, waiting up to the batching window for a
 * fuller batch once it has one. Empty after a long poll of a second with nothing to receive.
 *
 * An empty receive waits out its second even when fauxqs woke it for a message another poller
 * took: otherwise every message would restart the idle pollers' windows together, and a message
 * arriving soon after would wait a whole window instead of what was left of one. A poller that is
 * stopped does not wait again.
 */
export async function gatherBatch(
  client: SQSClient,
  queueUrl: string,
  settings: BatchSettings,
  signal: AbortSignal,
  stopped: () => boolean,
): Promise<Message[]> {
  const batch: Message[] = [];
  const deadline = Date.now() + settings.maximumBatchingWindowInSeconds * 1000;
  const receive = (MaxNumberOfMessages: number, WaitTimeSeconds: number) =>
    client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages,
        WaitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
  // The SDK throws on an error: an answer is messages or nothing.
  const outcomeOf = (answer: ReceiveMessageCommandOutput) => (answer.Messages?.length ? ('messages' as const) : ('empty' as const));
  do {
    const max = Math.min(10, settings.batchSize - batch.length);
    const wait = batch.length === 0 ? 1 : Math.max(0, Math.min(1, Math.floor((deadline - Date.now()) / 1000)));
    const { Messages = [] } = await longPoll(
      (left) => receive(max, left ?? wait),
      outcomeOf,
      () => wait,
      stopped,
    );
    batch.push(...Messages);
    if (Messages.length === 0 && batch.length > 0 && Date.now() >= deadline) break;
    // Less than a second of the window left: poll again shortly rather than at once.
    if (Messages.length === 0 && wait === 0)
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(0, deadline - Date.now()))));
  } while (batch.length > 0 && batch.length < settings.batchSize && Date.now() < deadline && !stopped());
  return batch;
}
