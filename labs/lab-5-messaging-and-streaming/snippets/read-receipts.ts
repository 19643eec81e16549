import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { output, print, sqs } from '../../kit/index.ts';

/**
 * Works through the receipts queue as a receipt printer would: receives, "sends the receipt",
 * deletes. The queue's subscription filters on the message body, so only dropped-off events are
 * here; each carries its ride as MessageGroupId and the topic's sequence number.
 */
export default async function readReceipts() {
  const queueUrl = await output('RideReceiptsQueueUrl');
  let count = 0;
  for (;;) {
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['MessageGroupId', 'SequenceNumber'],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const event = JSON.parse(message.Body!) as { type: string; seq: number; unicorn: string };
      print(
        `Receipt for ${message.Attributes?.MessageGroupId}: ${event.type} (#${event.seq}, unicorn ${event.unicorn}), sequence number ${message.Attributes?.SequenceNumber}`,
      );
      await sqs().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      count++;
    }
  }
  print(
    count === 0
      ? 'No receipts waiting: publish some rides first (publish-ride-events).'
      : `${count} receipt(s) sent; every one a dropped-off event, none of the other ride events.`,
  );
}
