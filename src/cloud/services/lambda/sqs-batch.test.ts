import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';
import { gatherBatch } from './sqs-batch.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

/** Two pollers gathering from one idle queue, one message sent: what each got, and when. */
async function twoPollers() {
  const sqs = cloud.services.sqs; // the client the cloud's own pollers use
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('pollers') }));
  const settings = { batchSize: 10, maximumBatchingWindowInSeconds: 0 };
  const started = Date.now();
  const poller = async () => {
    const batch = await gatherBatch(sqs, QueueUrl!, settings, new AbortController().signal, () => false);
    return { got: batch.length, tookMs: Date.now() - started };
  };
  const polling = [poller(), poller()];
  await new Promise((resolve) => setTimeout(resolve, 200));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
  return Promise.all(polling);
}

test('a poller whose message another took keeps waiting out its second, as an SQS long poll does', async () => {
  const results = await twoPollers();
  const winner = results.find((r) => r.got === 1);
  const other = results.find((r) => r.got === 0);
  assert.ok(winner && other, `each poller got: ${results.map((r) => r.got).join(', ')}`);
  assert.ok(winner.tookMs < 900, `the message came after ${winner.tookMs} ms`);
  assert.ok(other.tookMs >= 950, `the other poller ended its empty poll after ${other.tookMs} ms, before its second`);
});

test('a stopped poller does not wait again once woken: switching a mapping off is not held up', async () => {
  const sqs = cloud.services.sqs;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('stopped-poller') }));
  // A receive that waits first is woken first: it takes the message, and the poller finds none.
  const started = Date.now();
  const taker = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const settings = { batchSize: 10, maximumBatchingWindowInSeconds: 0 };
  const stopped = gatherBatch(sqs, QueueUrl!, settings, new AbortController().signal, () => true).then((batch) => ({
    got: batch.length,
    tookMs: Date.now() - started,
  }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
  assert.equal((await taker).Messages?.length, 1);
  const poller = await stopped;
  assert.equal(poller.got, 0);
  assert.ok(poller.tookMs < 900, `the stopped poller ended after ${poller.tookMs} ms`);
});
