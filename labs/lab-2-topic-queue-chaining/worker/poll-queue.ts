import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Thrown by a message handler for a message that can never be processed (a malformed batch,
 * say): retrying cannot help, so the worker moves it to the dead-letter queue at once, with
 * `reason` as a message attribute, instead of letting it fail maxReceiveCount times.
 */
export class RejectedMessage extends Error {
  override name = 'RejectedMessage';
}

export interface PollQueueOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Does the work of one message. Resolving deletes it; RejectedMessage dead-letters it; any other error leaves it to be retried. */
  handle: (message: Message) => Promise<void>;
  /** Stops the worker: it finishes the receive under way and the messages it brings, then returns. */
  signal: AbortSignal;
  /** Where the worker says what it does. */
  log: (line: string) => void;
  /** Seconds a receive waits for messages (long polling, up to 20); a stop waits for it. 0 polls briefly every 100 ms. */
  waitSeconds?: number;
  /** Seconds a received message stays hidden from other consumers; extended while it is worked on. */
  visibilitySeconds?: number;
  /** Messages per receive (1 to 10). */
  batchSize?: number;
  /** Receive loops run side by side (each with its own long poll). */
  concurrency?: number;
}

export interface PollStats {
  receives: number;
  emptyReceives: number;
  processed: number;
  rejected: number;
  failed: number;
  /** Times a message's visibility timeout was extended because its work took long. */
  extended: number;
}

/** A short id for log lines: the start of a message id. */
const short = (message: Message) => message.MessageId?.slice(0, 8) ?? '?';

/**
 * A queue consumer that is a process, not a Lambda function: it long-polls the queue, works on
 * each message while keeping it hidden from other consumers (extending its visibility timeout
 * for as long as the work takes), deletes it when done, dead-letters it with a reason when it
 * can never succeed, and leaves it to come back when it failed otherwise. When `signal` aborts,
 * it finishes the receive under way and the messages it holds, deletes nothing it did not
 * process, and resolves.
 */
export async function pollQueue(options: PollQueueOptions): Promise<PollStats> {
  const { sqs, queueUrl, handle, signal, log } = options;
  const waitSeconds = options.waitSeconds ?? 5;
  const visibilitySeconds = options.visibilitySeconds ?? 30;
  const stats: PollStats = { receives: 0, emptyReceives: 0, processed: 0, rejected: 0, failed: 0, extended: 0 };
  let deadLetterQueueUrl: Promise<string | undefined> | undefined;

  /** Keeps a message hidden while `work` runs: every third of its visibility timeout, it is extended. */
  const keepHidden = async (message: Message, work: Promise<void>) => {
    const timer = setInterval(
      () => {
        void sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: visibilitySeconds,
            }),
          )
          .then(() => {
            stats.extended++;
            log(`  … still working on message ${short(message)}: hidden for another ${visibilitySeconds} s`);
          })
          .catch((error: Error) => log(`  could not extend message ${short(message)}: ${error.message}`));
      },
      (visibilitySeconds * 1000) / 3,
    );
    try {
      await work;
    } finally {
      clearInterval(timer);
    }
  };

  const deadLetter = async (message: Message, reason: string) => {
    deadLetterQueueUrl ??= deadLetterQueueOf(sqs, queueUrl);
    const target = await deadLetterQueueUrl;
    if (!target) {
      log(`✗ message ${short(message)} cannot be processed (${reason}), and the queue has no dead-letter queue: it stays, to be retried`);
      stats.failed++;
      return;
    }
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: target,
        MessageBody: message.Body!,
        MessageAttributes: {
          // A message carries at most 10 attributes: the reason comes first.
          ...(Object.keys(message.MessageAttributes ?? {}).length <= 7 ? message.MessageAttributes : {}),
          ErrorReason: { DataType: 'String', StringValue: reason.slice(0, 1024) },
          FailedAt: { DataType: 'String', StringValue: new Date().toISOString() },
          SourceQueueUrl: { DataType: 'String', StringValue: queueUrl },
        },
      }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    stats.rejected++;
    log(`✗ message ${short(message)} dead-lettered: ${reason}`);
  };

  const processOne = async (message: Message) => {
    try {
      await keepHidden(message, handle(message));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      stats.processed++;
    } catch (error) {
      if (error instanceof RejectedMessage) {
        await deadLetter(message, error.message).catch((failure: Error) => {
          stats.failed++;
          log(`✗ message ${short(message)} could not be dead-lettered (${failure.message}): it comes back after its visibility timeout`);
        });
        return;
      }
      stats.failed++;
      const receives = message.Attributes?.ApproximateReceiveCount ?? '?';
      log(
        `✗ message ${short(message)} failed (receive ${receives}): ${(error as Error).message}; it comes back after its visibility timeout`,
      );
    }
  };

  const loop = async () => {
    while (!signal.aborted) {
      let messages: Message[];
      try {
        // Not cut short by a stop: a receive cut short would still hide the messages SQS was
        // handing it, until their visibility timeout. A stop waits for it (waitSeconds at most).
        const answer = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: options.batchSize ?? 10,
            WaitTimeSeconds: waitSeconds,
            VisibilityTimeout: visibilitySeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = answer.Messages ?? [];
      } catch (error) {
        log(`receive failed: ${(error as Error).message}; trying again in a second`);
        await pause(1_000, signal);
        continue;
      }
      stats.receives++;
      if (messages.length === 0) {
        stats.emptyReceives++;
        // Short polling (waitSeconds 0) answers at once: pause before asking again.
        if (waitSeconds === 0) await pause(100, signal);
      } else log(`↓ received ${messages.length} message(s)`);
      // The messages in hand are finished even when a stop was asked for meanwhile.
      for (const message of messages) await processOne(message);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, loop));
  return stats;
}

/** The URL of a queue's dead-letter queue, from its redrive policy; undefined when it has none. */
async function deadLetterQueueOf(sqs: SQSClient, queueUrl: string): Promise<string | undefined> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  if (!Attributes.RedrivePolicy) return undefined;
  const arn: string = JSON.parse(Attributes.RedrivePolicy).deadLetterTargetArn;
  const [, , , , account, name] = arn.split(':');
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))).QueueUrl;
}

/** Waits `ms`, or less when `signal` aborts meanwhile. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
