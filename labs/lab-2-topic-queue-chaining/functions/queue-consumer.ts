import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Ride } from '../../lab-1-fan-out/functions/events.ts';
import { doOnce } from '../../lab-1-fan-out/functions/ride-subscriber.ts';
import type { SqsBatchResponse, SqsEvent, SqsRecord } from './events.ts';
import { failsOnPurpose, failurePercent, SimulatedFailure } from './failure-switch.ts';

const sqs = new SQSClient({});
const queueUrls = new Map<string, Promise<string>>();

/** A message that is not a ride. Retrying cannot help; the dead-letter queue keeps it for a human. */
export class NotARideError extends Error {
  override name = 'NotARideError';
}

/** The ride a message carries: with raw delivery, the body is the ride the topic received. */
function rideOf(record: SqsRecord): Ride {
  let ride: Partial<Ride>;
  try {
    ride = JSON.parse(record.body);
  } catch {
    throw new NotARideError(`the body is not JSON: ${record.body.slice(0, 80)}`);
  }
  if (!ride || typeof ride !== 'object' || typeof ride.id !== 'string')
    throw new NotARideError(`the body has no ride id: ${record.body.slice(0, 80)}`);
  return ride as Ride;
}

/** The URL of the queue an ARN names (arn:aws:sqs:region:account:name). */
function queueUrlOf(queueArn: string): Promise<string> {
  let url = queueUrls.get(queueArn);
  if (!url) {
    const [, , , , account, name] = queueArn.split(':');
    url = sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })).then((r) => r.QueueUrl!);
    queueUrls.set(queueArn, url);
  }
  return url;
}

/**
 * Makes a failed message visible again at once, instead of after the queue's visibility
 * timeout (60 s here), so that its retries, and its move to the dead-letter queue after
 * maxReceiveCount receives, take seconds. In production you would rather back off, for
 * example by 2^receiveCount seconds.
 */
async function retrySoon(record: SqsRecord): Promise<void> {
  try {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: await queueUrlOf(record.eventSourceARN),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  } catch (error) {
    // The message still comes back, after the visibility timeout.
    console.log(JSON.stringify({ action: 'retry-delay-unchanged', messageId: record.messageId, reason: (error as Error).message }));
  }
}

/**
 * The handler of a service that consumes its queue through an event source mapping. Each batch
 * holds up to BatchSize messages; the handler does each ride's work once (`doOnce`, as in Lab 1:
 * SQS delivers at least once too) and answers with the messages that failed, so that only those
 * are retried (the mapping's ReportBatchItemFailures). It logs one JSON line per message.
 */
export function queueConsumer(service: string, action: string) {
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const percent = await failurePercent(service);
    const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
    // The rides of a batch are independent (a standard queue keeps no order): handled at once,
    // the batch takes as long as its slowest ride, not the sum of them.
    const handle = async (record: SqsRecord) => {
      const delivery = { messageId: record.messageId, receiveCount: Number(record.attributes.ApproximateReceiveCount) };
      let rideId: string | undefined;
      try {
        const ride = rideOf(record);
        rideId = ride.id;
        if (failsOnPurpose(ride.id, service, percent))
          throw new SimulatedFailure(`${service} fails ${percent}% of rides on purpose: its failure switch is on`);
        const first = await doOnce(ride.id, action);
        console.log(
          JSON.stringify({
            service,
            action: first ? action : 'skipped-duplicate',
            rideId: ride.id,
            ...delivery,
            customer: ride.customer,
            fare: ride.fare,
            distance: ride.distance,
          }),
        );
      } catch (error) {
        const { name, message } = error as Error;
        console.log(JSON.stringify({ service, action: 'failed', rideId, ...delivery, error: name, reason: message }));
        batchItemFailures.push({ itemIdentifier: record.messageId });
        await retrySoon(record);
      }
    };
    await Promise.all(event.Records.map(handle));
    return { batchItemFailures };
  };
}
