import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { callApi, check, eventually, labContext, output, probeId, sns, sqs } from '../kit/index.ts';
import { SAMPLE_RIDE } from '../lab-1-fan-out/sample-ride.ts';
import { type ConsumerService, marksOfRides } from './services.ts';
import { runRideBatchWorker } from './snippets/worker.ts';

// The behaviour probes of the checkpoints: rides with a unique customer, found again by id.

export const LONG_RIDE = { fare: 256.5, distance: 600 };
export const SHORT_RIDE = { fare: 12, distance: 3, to: 'Potsdam' };

/** Submits rides through the API at once, each with a unique customer; returns their ids, in order. */
export async function submitProbeRides(rides: Partial<typeof SAMPLE_RIDE>[]): Promise<string[]> {
  const url = await output('SubmitRideUrl');
  return Promise.all(
    rides.map(async (ride) => {
      const response = await callApi(url, { body: { ...SAMPLE_RIDE, customer: probeId('probe'), ...ride } });
      check(response.status === 201, `POST /submit-ride-completion answered ${response.status}: ${response.text}`);
      return (response.body as { id: string }).id;
    }),
  );
}

/**
 * Publishes rides straight to the topic in one PublishBatch (up to 10), as the Unicorn
 * Management Service publishes each: the ride as the body, fare and distance as attributes.
 * Returns their ids, in order.
 */
export async function publishProbeRides(rides: Partial<typeof SAMPLE_RIDE>[]): Promise<string[]> {
  const batch = rides.map((ride) => ({ ...SAMPLE_RIDE, ...ride, id: probeId('probe-ride'), customer: probeId('probe') }));
  const { Failed = [] } = await sns().send(
    new PublishBatchCommand({
      TopicArn: await output('TopicArn'),
      PublishBatchRequestEntries: batch.map((ride, i) => ({
        Id: String(i),
        Message: JSON.stringify(ride),
        MessageAttributes: {
          fare: { DataType: 'Number', StringValue: String(ride.fare) },
          distance: { DataType: 'Number', StringValue: String(ride.distance) },
        },
      })),
    }),
  );
  check(Failed.length === 0, `Publishing to the topic failed: ${Failed.map((f) => f.Message).join('; ')}`);
  return batch.map((ride) => ride.id);
}

/** Waits until every ride carries `service`'s mark, or fails naming those that do not. */
export async function waitForMarks(rideIds: string[], service: ConsumerService, why = ''): Promise<void> {
  const pending = new Set(rideIds);
  await eventually(
    `${service.label} did not handle ${pending.size === 1 ? `ride ${[...pending][0]}` : `${pending.size} of ${rideIds.length} rides`}${why}`,
    async () => {
      for (const [id, marks] of await marksOfRides([...pending])) if (marks.has(service.mark)) pending.delete(id);
      return pending.size === 0 ? true : undefined;
    },
  );
}

/**
 * One look through a queue: receives what it holds (a few receives of up to 10 messages), deletes
 * the probe's own messages and returns them, and makes every other message visible again at
 * once, so that its consumer gets it without waiting. (Each receive still counts toward the
 * other messages' maxReceiveCount, as any receive does.)
 */
export async function takeOwnMessages(queueUrl: string, mine: (message: Message) => boolean): Promise<Message[]> {
  const taken: Message[] = [];
  for (let round = 0; round < 5; round++) {
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 5,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      if (mine(message)) {
        taken.push(message);
        await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      } else {
        await sqs().send(
          new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }),
        );
      }
    }
  }
  return taken;
}

/** Whether a message's body mentions any of `ids`. */
export const mentions = (ids: string[]) => (message: Message) => ids.some((id) => message.Body?.includes(id));

/**
 * Runs the lab's ride batch worker (snippets/worker.ts) while `probe` waits for what it should
 * do, then stops it the way its Stop button does. A worker the learner started may take the
 * probe's messages instead: the probe looks at what was done, not at who did it.
 */
export async function withWorker<T>(probe: () => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const cancelled = () => stop.abort();
  labContext().signal.addEventListener('abort', cancelled, { once: true });
  // Short polls: stopped, it is done within a tenth of a second.
  const running = runRideBatchWorker(stop.signal, () => undefined, 0);
  try {
    return await probe();
  } finally {
    stop.abort();
    labContext().signal.removeEventListener('abort', cancelled);
    await running;
  }
}
