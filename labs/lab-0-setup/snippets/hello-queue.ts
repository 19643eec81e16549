import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { labContext, print, sqs } from '../../kit/index.ts';

/** A first round-trip through SQS: create a queue, send, receive, delete, clean up. */
export default async function helloQueue() {
  const queueName = `${labContext().target.prefix}-hello`;
  const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: queueName }));
  print(`Created queue ${queueName}: ${QueueUrl}`);
  try {
    const { MessageId } = await sqs().send(new SendMessageCommand({ QueueUrl, MessageBody: 'Hello from Wild Rydes!' }));
    print(`Sent message ${MessageId}`);
    const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }));
    const [message] = Messages;
    if (!message) throw new Error('The message did not arrive within 5 seconds.');
    print(`Received: "${message.Body}"`);
    await sqs().send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    print('Deleted the message: it will not be delivered again.');
  } finally {
    await sqs().send(new DeleteQueueCommand({ QueueUrl }));
    print(`Deleted queue ${queueName}.`);
  }
}
