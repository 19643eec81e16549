import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';
import { gatherBatch } from './sqs-batch.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

/** Two pollers gathering from one idle queue, one message sent: what each got, and when. */
async function twoPollers(stopped: [boolean, boolean]) {
  const sqs = cloud.services.sqs; // the client the cloud's own pollers use
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('pollers') }));
  const settings = { batchSize: 10, maximumBatchingWindowInSeconds: 0 };
  const started = Date.now();
  const poller = async (i: 0 | 1) => {
    const batch = await gatherBatch(sqs, QueueUrl!, settings, new AbortController().signal, () => stopped[i]);
    return { got: batch.length, tookMs: Date.now() - started, stopped: stopped[i] };
  };
  const polling = [poller(0), poller(1)];
  await new Promise((resolve) => setTimeout(resolve, 200));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
  return Promise.all(polling);
}

test('a poller whose message another took keeps waiting out its second, as an SQS long poll does', async () => {
  const results = await twoPollers([false, false]);
  const winner = results.find((r) => r.got === 1);
  const other = results.find((r) => r.got === 0);
  assert.ok(winner && other, `each poller got: ${results.map((r) => r.got).join(', ')}`);
  assert.ok(winner.tookMs < 900, `the message came after ${winner.tookMs} ms`);
  assert.ok(other.tookMs >= 950, `the other poller ended its empty poll after ${other.tookMs} ms, before its second`);
});

test('a stopped poller does not wait again once woken: switching a mapping off is not held up', async () => {
  const results = await twoPollers([false, true]);
  const stopped = results.find((r) => r.stopped)!;
  // Woken by the message: either it took it (and its mapping gives it back), or it found none and ends.
  assert.ok(stopped.tookMs < 900, `the stopped poller ended after ${stopped.tookMs} ms`);
});
