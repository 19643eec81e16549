import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startCloud } from '../../cloud.ts';

test('with its state kept on disk, the cloud makes a received message visible again (ChangeMessageVisibility 0), keeping its receive count across a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-visibility-'));
  const sqsAt = (endpoint: string) =>
    new SQSClient({ ...clientConfig({ kind: 'local', endpoint, region: 'us-east-1', prefix: 'v' }), maxAttempts: 1 });
  const receive = async (sqs: SQSClient, QueueUrl: string) =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
        }),
      )
    ).Messages ?? [];
  let cloud: Awaited<ReturnType<typeof startCloud>> | undefined;
  try {
    cloud = await startCloud({ port: 0, dataDir, persist: true });
    let sqs = sqsAt(cloud.endpoint);
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'rides.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'ride-7#2', MessageGroupId: 'ride-7' }));
    const [first] = await receive(sqs, QueueUrl!);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }));
    const [second] = await receive(sqs, QueueUrl!);
    assert.equal(second?.Body, 'ride-7#2', 'visible again at once');
    assert.equal(second.Attributes?.ApproximateReceiveCount, '2');
    const { Failed = [] } = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [{ Id: 'a', ReceiptHandle: second.ReceiptHandle, VisibilityTimeout: 0 }],
      }),
    );
    assert.deepEqual(Failed, []);
    sqs.destroy();
    await cloud.stop();
    cloud = undefined;

    cloud = await startCloud({ port: 0, dataDir, persist: true });
    sqs = sqsAt(cloud.endpoint);
    const [third] = await receive(sqs, QueueUrl!);
    assert.equal(third?.Body, 'ride-7#2', 'still there after a restart');
    assert.equal(third.Attributes?.ApproximateReceiveCount, '3', 'the receive count was kept');
    sqs.destroy();
  } finally {
    await cloud?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
