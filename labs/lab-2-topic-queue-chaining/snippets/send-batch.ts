import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { output, print, sqs } from '../../kit/index.ts';
import { sampleBatch } from '../sample-batch.ts';

/** Sends a partner's batch of 5 rides straight to RideBatchQueue, in the message itself. */
export default async function sendBatch() {
  const batch = sampleBatch('Unicorns of Brandenburg', 5);
  const { MessageId } = await sqs().send(
    new SendMessageCommand({ QueueUrl: await output('RideBatchQueueUrl'), MessageBody: JSON.stringify(batch) }),
  );
  print(
    `Sent batch ${batch.batchId} of ${batch.fleet} (${batch.rides.length} rides) as message ${MessageId}. The worker ingests it once it runs.`,
  );
}
