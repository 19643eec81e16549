import { dynamodb, labContext, output, print, s3, sns, sqs } from '../../kit/index.ts';
import { type PollStats, pollQueue } from '../worker/poll-queue.ts';
import { ingestRideBatches } from '../worker/ride-batches.ts';

/**
 * The ride batch worker: takes partners' ride batches off RideBatchQueue, stores and publishes
 * their rides, until `signal` stops it.
 */
export async function runRideBatchWorker(signal: AbortSignal, log: (line: string) => void = print, waitSeconds = 5): Promise<PollStats> {
  const destinations = {
    s3: s3(),
    dynamodb: dynamodb(),
    sns: sns(),
    tableName: await output('RidesTableName'),
    topicArn: await output('TopicArn'),
    log,
  };
  return pollQueue({
    sqs: sqs(),
    queueUrl: await output('RideBatchQueueUrl'),
    signal,
    log,
    waitSeconds,
    handle: async (message) => void (await ingestRideBatches(message, destinations)),
  });
}

/** Runs the worker until you stop it (the Stop button, or Ctrl-C in a terminal). */
export default async function worker() {
  const { signal, print: say } = labContext();
  signal.addEventListener('abort', () => say('Stopping: finishing the poll under way and the messages it brings…'), { once: true });
  print(
    `Polling ${await output('RideBatchQueueUrl')} with long polls of up to 5 s, until you stop me (a stop waits for the poll under way).`,
  );
  const stats = await runRideBatchWorker(signal);
  print(
    `Stopped cleanly: ${stats.processed} message(s) processed, ${stats.rejected} dead-lettered, ${stats.failed} left to retry, ${stats.extended} visibility extension(s), ${stats.receives} receive(s) (${stats.emptyReceives} empty).`,
  );
}
