import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Message } from '@aws-sdk/client-sqs';
import type { Ride } from '../../lab-1-fan-out/functions/events.ts';
import { parseRide, publishRide, storeRide } from '../../lab-1-fan-out/functions/rides.ts';
import { RejectedMessage } from './poll-queue.ts';

/**
 * A partner fleet's batch of completed rides. It arrives on the ride batch queue either in the
 * message itself, or (step 6) as a JSON file uploaded to the bucket, whose event notification
 * the queue receives instead: a claim check, since an SQS message holds at most 256 KiB.
 */
export interface RideBatch {
  fleet: string;
  /** The partner's name for the batch; with the fleet, it makes the rides' ids. */
  batchId: string;
  rides: Omit<Ride, 'id'>[];
}

/** What ingesting a batch needs: where files are read, rides stored and published. */
export interface RideBatchDestinations {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  tableName: string;
  topicArn: string;
  log: (line: string) => void;
}

/** The most rides one batch may hold. */
export const MAX_RIDES_PER_BATCH = 1_000;

/** An S3 event record, as far as the worker reads it (the event AWS sends is larger). */
interface S3EventRecord {
  eventSource?: string;
  eventName?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number } };
}

/**
 * The id of the `index`th ride of a batch: the same each time the batch is ingested, so that a
 * batch delivered twice (SQS delivers at least once) stores each ride once, and the consumers
 * (which do each ride's work once) charge it once.
 */
export function rideIdOf(batch: Pick<RideBatch, 'fleet' | 'batchId'>, index: number): string {
  const hex = createHash('sha256').update(`${batch.fleet}\n${batch.batchId}\n${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Checks a batch; its rides with their ids, or a RejectedMessage that says what is wrong, where. */
export function ridesOf(content: unknown, source: string): Ride[] {
  const reject = (problem: string): never => {
    throw new RejectedMessage(`${source}: ${problem}`);
  };
  if (!content || typeof content !== 'object' || Array.isArray(content))
    reject('a batch must be a JSON object {"fleet", "batchId", "rides": [...]}');
  const batch = content as Partial<RideBatch>;
  if (typeof batch.fleet !== 'string' || !batch.fleet) reject('"fleet" must be a non-empty string');
  if (typeof batch.batchId !== 'string' || !batch.batchId) reject('"batchId" must be a non-empty string');
  if (!Array.isArray(batch.rides) || batch.rides.length === 0) reject('"rides" must be a non-empty array');
  if (batch.rides!.length > MAX_RIDES_PER_BATCH) reject(`a batch holds at most ${MAX_RIDES_PER_BATCH} rides, not ${batch.rides!.length}`);
  return batch.rides!.map((input, index) => {
    const ride = parseRide(input);
    if (typeof ride === 'string') reject(`ride ${index + 1} of ${batch.rides!.length}: ${ride}`);
    return { id: rideIdOf(batch as RideBatch, index), ...(ride as Omit<Ride, 'id'>) };
  });
}

/** Reads an uploaded batch file. */
async function readBatchFile(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  const source = `s3://${bucket}/${key}`;
  let text: string;
  try {
    text = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  } catch (error) {
    // Deleted since it was uploaded: no retry will find it.
    if (error instanceof NoSuchKey) throw new RejectedMessage(`${source} no longer exists`);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RejectedMessage(`${source} is not JSON (it starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
}

/**
 * The batches a message of the ride batch queue carries, each with where it came from: the
 * message itself, or the files its S3 event records name. S3's test event (sent when the
 * bucket's notification is configured) carries none.
 */
export async function batchesIn(message: Message, s3: S3Client): Promise<{ source: string; content: unknown }[]> {
  let body: { Event?: string; Records?: S3EventRecord[] };
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    throw new RejectedMessage(`the message body is not JSON (it starts with ${JSON.stringify((message.Body ?? '').slice(0, 40))})`);
  }
  if (body?.Event === 's3:TestEvent') return [];
  if (!Array.isArray(body?.Records)) return [{ source: `message ${message.MessageId}`, content: body }];
  const batches = [];
  for (const record of body.Records) {
    if (record.eventSource !== 'aws:s3' || !record.eventName?.startsWith('ObjectCreated:'))
      throw new RejectedMessage(
        `an event record of ${record.eventSource ?? 'an unknown source'} (${record.eventName ?? 'no event name'}) is not an uploaded file`,
      );
    const bucket = record.s3?.bucket?.name;
    // Keys in S3 event records are URL-encoded, with spaces as "+".
    const key = record.s3?.object?.key === undefined ? undefined : decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (!bucket || key === undefined) throw new RejectedMessage('an S3 event record names no bucket or key');
    batches.push({ source: `s3://${bucket}/${key}`, content: await readBatchFile(s3, bucket, key) });
  }
  return batches;
}

/**
 * Ingests the batches a message carries: checks every ride first (a batch is taken whole or not
 * at all, so a partner can fix and send it again), then stores and publishes each ride, as the
 * Unicorn Management Service does for a ride submitted through the API.
 */
export async function ingestRideBatches(message: Message, to: RideBatchDestinations): Promise<number> {
  const batches = await batchesIn(message, to.s3);
  if (batches.length === 0) {
    to.log(`· message ${message.MessageId?.slice(0, 8)}: S3's test event (the bucket's notification reaches the queue)`);
    return 0;
  }
  let ingested = 0;
  for (const { source, content } of batches) {
    const rides = ridesOf(content, source);
    for (const ride of rides) {
      await storeRide(to.dynamodb, to.tableName, ride);
      await publishRide(to.sns, to.topicArn, ride);
    }
    ingested += rides.length;
    to.log(
      `✓ ${source}: ${rides.length} rides of ${(content as RideBatch).fleet} (batch ${(content as RideBatch).batchId}) stored and published`,
    );
  }
  return ingested;
}
