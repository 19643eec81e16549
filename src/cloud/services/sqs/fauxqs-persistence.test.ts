import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
import { fixFauxqsPersistence } from './fauxqs-persistence.ts';

test("fauxqs's database does not wait for an fsync on every write (synchronous=NORMAL, as the cloud's own state)", async () => {
  await fixFauxqsPersistence();
  const app = fileURLToPath(import.meta.resolve('fauxqs'));
  const { PersistenceManager } = (await import(pathToFileURL(join(dirname(app), 'persistence.js')).href)) as {
    PersistenceManager: new (dataDir: string) => { db: { prepare(sql: string): { get(): unknown }; close(): void } };
  };
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-fauxqs-sync-'));
  try {
    const persistence = new PersistenceManager(dataDir);
    // 1 is NORMAL; SQLite's default, FULL, is 2.
    assert.deepEqual({ ...(persistence.db.prepare('PRAGMA synchronous').get() as object) }, { synchronous: 1 });
    assert.deepEqual({ ...(persistence.db.prepare('PRAGMA journal_mode').get() as object) }, { journal_mode: 'wal' });
    persistence.db.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

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
