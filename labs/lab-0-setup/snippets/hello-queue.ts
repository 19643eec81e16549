import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { labContext, print, probeId, sqs } from '../../kit/index.ts';

const VISIBILITY_TIMEOUT_S = 2;

/**
 * A first round trip through SQS: create a queue, send, receive, let the visibility timeout
 * expire and receive the same message again, delete it, and remove the queue.
 */
export default async function helloQueue() {
  // A new name each run: on AWS, a queue's name cannot be reused for 60 s after its deletion.
  const queueName = probeId(`${labContext().target.prefix}-hello`);
  const { QueueUrl } = await sqs().send(
    new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_S) } }),
  );
  print(`Created queue ${queueName}, visibility timeout ${VISIBILITY_TIMEOUT_S} s`);
  try {
    const { MessageId } = await sqs().send(new SendMessageCommand({ QueueUrl, MessageBody: 'Hello from Wild Rydes!' }));
    print(`Sent message ${MessageId}`);

    // Long polling: wait up to 5 s for a message rather than answer "nothing" at once.
    const receive = () =>
      sqs().send(
        new ReceiveMessageCommand({
          QueueUrl,
          WaitTimeSeconds: 5,
          MaxNumberOfMessages: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
    const first = (await receive()).Messages?.[0];
    if (!first) throw new Error('The message did not arrive within 5 seconds.');
    print(`Received "${first.Body}" (receive count ${first.Attributes?.ApproximateReceiveCount}).`);
    print(`  It stays in the queue, invisible to other consumers, for ${VISIBILITY_TIMEOUT_S} s. We do not delete it…`);

    // Not deleted in time: the visibility timeout expires and the message is delivered again.
    const again = (await receive()).Messages?.[0];
    if (!again) throw new Error(`The message did not come back after its visibility timeout.`);
    print(`Received it again after the visibility timeout (receive count ${again.Attributes?.ApproximateReceiveCount}).`);

    await sqs().send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.ReceiptHandle }));
    print('Deleted it with the receipt handle of the latest receive.');
    print('  A standard queue delivers at least once: now and then a copy arrives even after a delete,');
    print('  so consumers are written to handle the same message twice (idempotent).');
  } finally {
    await sqs().send(new DeleteQueueCommand({ QueueUrl }));
    print(`Deleted queue ${queueName}.`);
  }
}
