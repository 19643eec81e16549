import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
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
