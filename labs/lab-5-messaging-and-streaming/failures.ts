import { ChangeMessageVisibilityBatchCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { output, sqs } from '../kit/index.ts';

/**
 * What a Kinesis event source mapping sends its on-failure destination about records it gave
 * up on: where they are in the stream, not the records themselves.
 */
export interface FailureRecord {
  requestContext: { functionArn: string; condition: string; approximateInvokeCount: number };
  KinesisBatchInfo: { shardId: string; startSequenceNumber: string; endSequenceNumber: string; batchSize: number; streamArn: string };
}

/**
 * Takes the failure records that `wanted` picks from the TelemetryFailures queue and deletes
 * them; any other message is made visible again at once, for whoever looks next.
 */
export async function takeFailures(wanted: (record: FailureRecord) => boolean): Promise<FailureRecord[]> {
  const queueUrl = await output('TelemetryFailuresQueueUrl');
  const taken: FailureRecord[] = [];
  const { Messages = [] } = await sqs().send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 5 }),
  );
  const others = [];
  for (const message of Messages) {
    const record = JSON.parse(message.Body!) as FailureRecord;
    if (record.KinesisBatchInfo && wanted(record)) {
      taken.push(record);
      await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } else others.push(message);
  }
  if (others.length > 0) {
    await sqs().send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: others.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
  return taken;
}
