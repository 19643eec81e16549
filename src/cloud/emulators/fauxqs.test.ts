import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createFauxqs } from './fauxqs.ts';

test('with persistence on, a message made visible again (ChangeMessageVisibility to 0) is received again, its receive count kept', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'fauxqs-'));
  const { server } = await createFauxqs({ port: 0, logger: false, host: 'localhost', dataDir });
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'made-visible' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'retry me' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 60 }));
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    assert.equal(again.Messages?.[0]?.Body, 'retry me');
    assert.equal(again.Messages[0].Attributes?.ApproximateReceiveCount, '2');
  } finally {
    sqs.destroy();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
