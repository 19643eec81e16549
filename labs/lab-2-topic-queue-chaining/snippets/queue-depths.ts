import { print } from '../../kit/index.ts';
import { deadLetterQueueOf, findQueue, queueAttributes, queueName } from '../services.ts';

const QUEUES = ['CustomerNotificationServiceQueue', 'CustomerAccountingServiceQueue', 'ExtraordinaryRidesServiceQueue', 'RideBatchQueue'];

/** What each of the lab's queues and dead-letter queues holds now (what the live chart draws). */
export default async function queueDepths() {
  print(`${'queue'.padEnd(50)} ${'waiting'.padStart(8)} ${'in flight'.padStart(10)} ${'delayed'.padStart(8)}`);
  for (const name of QUEUES) {
    const url = await findQueue(name);
    if (!url) {
      print(`${queueName(name).padEnd(50)} (not deployed yet)`);
      continue;
    }
    const dlq = await deadLetterQueueOf(url);
    for (const [label, queueUrl] of [[queueName(name), url], ...(dlq ? [[`  └ ${dlq.arn.split(':').pop()}`, dlq.url]] : [])]) {
      const a = await queueAttributes(queueUrl, [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ]);
      print(
        `${label.padEnd(50)} ${a.ApproximateNumberOfMessages!.padStart(8)} ${a.ApproximateNumberOfMessagesNotVisible!.padStart(10)} ${a.ApproximateNumberOfMessagesDelayed!.padStart(8)}`,
      );
    }
  }
}
