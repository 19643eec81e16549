import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../labs/kit/clients.ts';
import { startCloud } from '../cloud.ts';
import { handlerZip, TEST_ROLE } from '../testing/lambda-zip.ts';

test('state survives a restart of the local cloud', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-persist-'));
  const target = (endpoint: string) => clientConfig({ kind: 'local', endpoint, region: 'us-east-1', prefix: 'p' });
  try {
    let cloud = await startCloud({ port: 0, dataDir });
    let config = target(cloud.endpoint);
    await new SNSClient(config).send(new CreateTopicCommand({ Name: 'kept-topic' }));
    const { QueueUrl } = await new SQSClient(config).send(new CreateQueueCommand({ QueueName: 'kept-queue' }));
    await new SQSClient(config).send(new SendMessageCommand({ QueueUrl, MessageBody: 'kept message' }));
    await new DynamoDBClient(config).send(
      new CreateTableCommand({
        TableName: 'Kept',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await new DynamoDBClient(config).send(new PutItemCommand({ TableName: 'Kept', Item: { id: { S: 'ride-1' } } }));
    await new LambdaClient(config).send(
      new CreateFunctionCommand({
        FunctionName: 'kept-fn',
        Runtime: 'nodejs22.x',
        Role: TEST_ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: handlerZip('exports.handler = async () => "still here";') },
      }),
    );
    await cloud.stop();

    cloud = await startCloud({ port: 0, dataDir });
    config = target(cloud.endpoint);
    try {
      const { Topics = [] } = await new SNSClient(config).send(new ListTopicsCommand({}));
      assert.deepEqual(
        Topics.map((t) => t.TopicArn),
        ['arn:aws:sns:us-east-1:000000000000:kept-topic'],
      );
      const { Messages = [] } = await new SQSClient(config).send(
        new ReceiveMessageCommand({ QueueUrl: QueueUrl!.replace(/:\d+\//, `:${cloud.port}/`) }),
      );
      assert.equal(Messages[0]?.Body, 'kept message');
      const { Item } = await new DynamoDBClient(config).send(new GetItemCommand({ TableName: 'Kept', Key: { id: { S: 'ride-1' } } }));
      assert.equal(Item?.id.S, 'ride-1');
      const { Payload } = await new LambdaClient(config).send(new InvokeCommand({ FunctionName: 'kept-fn' }));
      assert.equal(JSON.parse(new TextDecoder().decode(Payload)), 'still here');
    } finally {
      await cloud.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a damaged state file stops the start with a clear error and leaves no emulator running', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-damaged-'));
  try {
    await writeFile(join(dataDir, 'state.json'), '{ this is not json');
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    await assert.rejects(startCloud({ port: 0, dataDir }), /saved state at .*state\.json cannot be read/);
    // A closed server's handle goes away on a later turn of the event loop.
    for (let i = 0; i < 50 && servers() > before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(servers(), before, 'fauxqs, dynalite and kinesalite were stopped');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
