import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startTestCloud, type TestCloud, uniqueName } from '../../../src/cloud/testing/test-cloud.ts';
import { clientConfig } from '../../kit/clients.ts';
import { type PollQueueOptions, pollQueue, RejectedMessage } from './poll-queue.ts';

let cloud: TestCloud;
let sqs: SQSClient;

before(async () => {
  cloud = await startTestCloud();
  sqs = new SQSClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

async function queueWithDlq() {
  const create = async (name: string, Attributes?: Record<string, string>) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
  const dlq = await create(uniqueName('dlq'));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
  const queue = await create(uniqueName('work'), {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 5 }),
  });
  return { queue, dlq };
}

const count = async (QueueUrl: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
};

/** Runs the worker until `until` holds, then stops it and returns what it did and logged. */
async function runWorker(options: Omit<PollQueueOptions, 'sqs' | 'signal' | 'log'>, until: () => boolean | Promise<boolean>) {
  const stop = new AbortController();
  const lines: string[] = [];
  const running = pollQueue({ sqs, signal: stop.signal, log: (line) => lines.push(line), waitSeconds: 1, ...options });
  const deadline = Date.now() + 10_000;
  while (!(await until())) {
    assert.ok(Date.now() < deadline, `the worker did not get there in 10 s:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  stop.abort();
  return { stats: await running, lines };
}

describe('the long-polling worker', () => {
  test('deletes what it processed, and keeps a long job hidden from other consumers by extending its visibility', async () => {
    const { queue } = await queueWithDlq();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'slow job' }));
    let done = false;
    let stolen = 0;
    const { stats } = await runWorker(
      {
        queueUrl: queue,
        visibilitySeconds: 1,
        handle: async () => {
          // Three times the visibility timeout: without the extensions another consumer would get it.
          for (let i = 0; i < 6; i++) {
            const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue, WaitTimeSeconds: 0 }));
            stolen += Messages.length;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
          done = true;
        },
      },
      () => done,
    );
    assert.equal(stolen, 0, 'another consumer received the message while it was being worked on');
    assert.ok(stats.extended >= 5, `extended ${stats.extended} times`);
    assert.equal(stats.processed, 1);
    assert.deepEqual(await count(queue), { visible: 0, inFlight: 0 });
  });

  test('moves a message it can never process to the dead-letter queue at once, with the reason; leaves one that failed otherwise', async () => {
    const { queue, dlq } = await queueWithDlq();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'malformed' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'flaky' }));
    const { stats } = await runWorker(
      {
        queueUrl: queue,
        visibilitySeconds: 30,
        handle: async (message) => {
          if (message.Body === 'malformed') throw new RejectedMessage('ride 2 of 3: Field "fare" must be a number.');
          throw new Error('the table is busy');
        },
      },
      async () => (await count(dlq)).visible === 1 && (await count(queue)).inFlight === 1,
    );
    assert.deepEqual(
      { rejected: stats.rejected, failed: stats.failed, processed: stats.processed },
      { rejected: 1, failed: 1, processed: 0 },
    );
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageAttributeNames: ['All'] }));
    assert.equal(Messages[0].Body, 'malformed');
    assert.equal(Messages[0].MessageAttributes?.ErrorReason?.StringValue, 'ride 2 of 3: Field "fare" must be a number.');
    assert.deepEqual(await count(queue), { visible: 0, inFlight: 1 }, 'the flaky one waits for its visibility timeout, to be retried');
  });

  test('stopped, it finishes the messages in hand and deletes nothing it did not process', async () => {
    const { queue } = await queueWithDlq();
    for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: `ride ${i}` }));
    const stop = new AbortController();
    const handled: string[] = [];
    const running = pollQueue({
      sqs,
      queueUrl: queue,
      signal: stop.signal,
      log: () => undefined,
      waitSeconds: 1,
      handle: async (message) => {
        stop.abort(); // the stop comes while the batch is in hand
        await new Promise((resolve) => setTimeout(resolve, 50));
        handled.push(message.Body!);
      },
    });
    const stats = await running;
    assert.equal(stats.receives, 1, 'no receive after the stop');
    assert.equal(stats.processed, handled.length);
    const left = await count(queue);
    assert.deepEqual(left, { visible: 3 - handled.length, inFlight: 0 }, 'what it did not receive is still there, visible');
  });

  test('a stop during a long poll waits for it, so that no message is left hidden', async () => {
    const { queue } = await queueWithDlq();
    const stop = new AbortController();
    const running = pollQueue({
      sqs,
      queueUrl: queue,
      signal: stop.signal,
      log: () => undefined,
      waitSeconds: 1,
      handle: async () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort();
    // Arrives while the stopped worker's last long poll is still open: it takes it and finishes it.
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'late' }));
    const stats = await running;
    const left = await count(queue);
    assert.equal(stats.processed + left.visible, 1, 'processed, or waiting visible for the next consumer');
    assert.equal(left.inFlight, 0, 'not hidden by a receive nobody reads');
  });
});
