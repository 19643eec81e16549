import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let sqs: SQSClient;
before(async () => {
  cloud = await startTestCloud();
  sqs = new SQSClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

/** Two receives waiting on one queue, one message sent: how long each took, and what it got. */
async function twoWaitingReceives(client: SQSClient, QueueUrl: string, WaitTimeSeconds?: number) {
  const started = Date.now();
  const receive = async () => {
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds }));
    return { got: Messages.length, tookMs: Date.now() - started };
  };
  const receives = [receive(), receive()];
  await new Promise((resolve) => setTimeout(resolve, 200));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
  return (await Promise.all(receives)).sort((a, b) => b.got - a.got);
}

test('a long poll answers empty only when its wait is over, even when another receive took the message', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('long-poll') }));
  const [winner, other] = await twoWaitingReceives(sqs, QueueUrl!, 2);
  assert.equal(winner.got, 1);
  assert.ok(winner.tookMs < 1_000, `the message came after ${winner.tookMs} ms`);
  assert.equal(other.got, 0);
  assert.ok(other.tookMs >= 1_950, `the other receive answered empty after ${other.tookMs} ms, before its 2 s wait`);
});

test("a receive without WaitTimeSeconds waits the queue's ReceiveMessageWaitTimeSeconds", async () => {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: uniqueName('long-poll-default'), Attributes: { ReceiveMessageWaitTimeSeconds: '1' } }),
  );
  const [winner, other] = await twoWaitingReceives(sqs, QueueUrl!);
  assert.equal(winner.got, 1);
  assert.equal(other.got, 0);
  assert.ok(other.tookMs >= 950, `the other receive answered empty after ${other.tookMs} ms, before the queue's 1 s wait`);

  // Set back to short polling, the queue's receives answer at once again.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { ReceiveMessageWaitTimeSeconds: '0' } }));
  const [, shortPoll] = await twoWaitingReceives(sqs, QueueUrl!);
  assert.ok(shortPoll.tookMs < 150, `an empty short poll took ${shortPoll.tookMs} ms`);
});

test('a receive waiting again ends when its queue is deleted, and when the cloud stops', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('long-poll-deleted') }));
  const started = Date.now();
  const receive = () => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 })).then(() => Date.now() - started);
  // One receive gets the message; the other waits again, until the queue is deleted under it.
  const receives = [receive(), receive()];
  await new Promise((resolve) => setTimeout(resolve, 200));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  const took = await Promise.all(receives);
  assert.ok(Math.max(...took) < 2_000, `the receives answered after ${took.join(' and ')} ms`);

  const other = await startTestCloud();
  const client = new SQSClient(clientConfig(other.target));
  const { QueueUrl: otherQueue } = await client.send(new CreateQueueCommand({ QueueName: uniqueName('long-poll-stop') }));
  const waiting = client.send(new ReceiveMessageCommand({ QueueUrl: otherQueue, WaitTimeSeconds: 10 })).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const stopping = Date.now();
  await other.stop();
  await waiting;
  client.destroy();
  assert.ok(Date.now() - stopping < 2_000, `the waiting receive held the stop for ${Date.now() - stopping} ms`);
});
