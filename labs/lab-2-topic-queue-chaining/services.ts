import { BatchGetItemCommand, type BatchGetItemCommandOutput, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type EventSourceMappingConfiguration, GetEventSourceMappingCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type QueueAttributeName, QueueDoesNotExist } from '@aws-sdk/client-sqs';
import { dynamodb, fail, labContext, lambda, oncePerRun, output, sqs } from '../kit/index.ts';

// What the lab's snippets and checkpoints share: the three consumer services with their queues,
// and small reads of queues, mappings and the marks the consumers leave on rides.

/** A service behind a queue: its function's output, its queue, and the mark it leaves on a ride it handled. */
export interface ConsumerService {
  label: string;
  /** The service's name: the function is `<prefix>-Lab2-<name>`. */
  name: string;
  /** The stack output with the function's name. */
  functionOutput: string;
  queue: string;
  /** The attribute the service sets on the ride it handled (see Lab 1's `doOnce`). */
  mark: string;
}

export const NOTIFICATION: ConsumerService = {
  label: 'Customer Notification',
  name: 'CustomerNotificationService',
  functionOutput: 'CustomerNotificationFunctionName',
  queue: 'CustomerNotificationServiceQueue',
  mark: 'notified-customer',
};
export const ACCOUNTING: ConsumerService = {
  label: 'Customer Accounting',
  name: 'CustomerAccountingService',
  functionOutput: 'CustomerAccountingFunctionName',
  queue: 'CustomerAccountingServiceQueue',
  mark: 'charged-customer',
};
export const EXTRAORDINARY: ConsumerService = {
  label: 'Extraordinary Rides',
  name: 'ExtraordinaryRidesService',
  functionOutput: 'ExtraordinaryRidesFunctionName',
  queue: 'ExtraordinaryRidesServiceQueue',
  mark: 'recorded-extraordinary-ride',
};
export const SERVICES = [NOTIFICATION, ACCOUNTING, EXTRAORDINARY];

/** The filter policy Lab 1 gave the Extraordinary Rides subscription, which Lab 2 keeps. */
export const EXTRAORDINARY_FILTER = { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] };
export const isExtraordinary = (ride: { fare: number; distance: number }) => ride.fare >= 50 && ride.distance >= 20;

/** Every Lab 2 resource name starts with this: the learner's prefix and "Lab2". */
export function labPrefix(): string {
  return `${labContext().target.prefix}-Lab2`;
}

/** The full name of one of the lab's queues, e.g. `alice-Lab2-CustomerAccountingServiceQueue`. */
export const queueName = (name: string) => `${labPrefix()}-${name}`;

/**
 * A queue's URL by its short name; undefined when there is no such queue. Asked once per run: a
 * verify's probes look their queues up in every poll.
 */
export function findQueue(name: string): Promise<string | undefined> {
  return queueUrlByName(queueName(name));
}

/** The URL of the queue an ARN names; undefined when there is no such queue. */
export function queueUrlOfArn(arn: string): Promise<string | undefined> {
  const [, , , , account, name] = arn.split(':');
  return queueUrlByName(name, account);
}

function queueUrlByName(name: string, account?: string): Promise<string | undefined> {
  return oncePerRun(`queue url ${account ?? ''}:${name}`, async () => {
    try {
      return (await sqs().send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))).QueueUrl;
    } catch (error) {
      if (error instanceof QueueDoesNotExist) return undefined;
      throw error;
    }
  });
}

/** A queue's ARN, asked once per run. */
export function queueArnOf(queueUrl: string): Promise<string | undefined> {
  return oncePerRun(`queue arn ${queueUrl}`, async () => (await queueAttributes(queueUrl, ['QueueArn'])).QueueArn);
}

/** A queue's URL by its short name; fails the checkpoint or snippet when it does not exist. */
export async function requireQueue(name: string): Promise<string> {
  const url = await findQueue(name);
  if (!url) fail(`There is no queue named ${queueName(name)}.`);
  return url;
}

/** Attributes of a queue. */
export async function queueAttributes(queueUrl: string, names: QueueAttributeName[] = ['All']): Promise<Record<string, string>> {
  return (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }))).Attributes ?? {};
}

/** What a queue holds: visible, in flight (received, not yet deleted) and delayed messages. */
export async function depthOf(queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const a = await queueAttributes(queueUrl, [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ]);
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** The URL of a queue's dead-letter queue (from its redrive policy), and the policy's maxReceiveCount. */
export async function deadLetterQueueOf(queueUrl: string): Promise<{ url: string; arn: string; maxReceiveCount: number } | undefined> {
  const { RedrivePolicy } = await queueAttributes(queueUrl, ['RedrivePolicy']);
  if (!RedrivePolicy) return undefined;
  const { deadLetterTargetArn: arn, maxReceiveCount } = JSON.parse(RedrivePolicy) as {
    deadLetterTargetArn: string;
    maxReceiveCount: number | string;
  };
  const url = await queueUrlOfArn(arn);
  if (!url) fail(`The redrive policy of ${queueUrl.split('/').pop()} names ${arn}, which does not exist.`);
  return { url, arn, maxReceiveCount: Number(maxReceiveCount) };
}

/** The event source mapping that feeds a service from its queue, if there is one. */
export async function mappingOf(service: ConsumerService): Promise<EventSourceMappingConfiguration | undefined> {
  const queueUrl = await findQueue(service.queue);
  if (!queueUrl) return undefined;
  const QueueArn = await queueArnOf(queueUrl);
  const { EventSourceMappings = [] } = await lambda().send(
    new ListEventSourceMappingsCommand({ FunctionName: await output(service.functionOutput), EventSourceArn: QueueArn }),
  );
  return EventSourceMappings[0];
}

/** A mapping's state now (Enabled, Disabled, or on AWS a transition such as Disabling). */
export async function mappingState(uuid: string): Promise<string> {
  return (await lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }))).State ?? 'unknown';
}

/** The services' marks on an item of the Rides table: the services that handled the ride. */
const marksOn = (item: Record<string, unknown> | undefined) =>
  new Set(Object.keys(item ?? {}).filter((key) => SERVICES.some((s) => s.mark === key)));

/** Which services handled each ride (their marks in the Rides table), read 100 rides at a time; a ride not stored has none. */
export async function marksOfRides(rideIds: string[]): Promise<Map<string, Set<string>>> {
  const table = await output('RidesTableName');
  const marks = new Map(rideIds.map((id) => [id, new Set<string>()]));
  const unique = [...marks.keys()];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, any>[] | undefined = unique.slice(i, i + 100).map((id) => ({ id: { S: id } }));
    // BatchGetItem may answer part of a batch: ask again for the keys it left.
    while (keys && keys.length > 0) {
      const answer: BatchGetItemCommandOutput = await dynamodb().send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of answer.Responses?.[table] ?? []) marks.set(String(item.id?.S), marksOn(item));
      keys = answer.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return marks;
}

/** Whether a ride is stored in the Rides table. */
export async function rideStored(rideId: string): Promise<boolean> {
  const { Item } = await dynamodb().send(
    new GetItemCommand({ TableName: await output('RidesTableName'), Key: { id: { S: rideId } }, ConsistentRead: true }),
  );
  return Boolean(Item?.from);
}
