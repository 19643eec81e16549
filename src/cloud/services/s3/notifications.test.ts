import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AddPermissionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import type { Target } from '../../../../labs/kit/target.ts';
import { startCloud } from '../../cloud.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
const clients = (target: Target) => ({
  s3: new S3Client({ ...clientConfig(target), forcePathStyle: true }),
  sqs: new SQSClient(clientConfig(target)),
  sns: new SNSClient(clientConfig(target)),
});
let s3: S3Client;
let sqs: SQSClient;
let sns: SNSClient;

before(async () => {
  cloud = await startTestCloud();
  ({ s3, sqs, sns } = clients(cloud.target));
});
after(() => cloud.stop());

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

async function newBucket(client = s3): Promise<string> {
  const Bucket = uniqueName('bucket');
  await client.send(new CreateBucketCommand({ Bucket }));
  return Bucket;
}

/** A queue whose policy lets S3 send for `bucket` (or, with `allow: false`, has no policy). */
async function queueFor(bucket: string, { allow = true, client = sqs } = {}) {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: uniqueName('queue') }));
  const queueArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  if (allow) {
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnLike: { 'aws:SourceArn': bucketArn(bucket) } },
        },
      ],
    });
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
  }
  return { QueueUrl: QueueUrl!, queueArn };
}

async function receive(QueueUrl: string, client = sqs, wait = 1): Promise<any[]> {
  const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait }));
  return Messages.map((m) => JSON.parse(m.Body!));
}

/** Receives until a message other than S3's test event arrives (or the wait ends). */
async function receiveRecords(QueueUrl: string, client = sqs): Promise<any[]> {
  const deadline = Date.now() + 3_000;
  const found: any[] = [];
  while (Date.now() < deadline && found.length === 0)
    found.push(...(await receive(QueueUrl, client)).filter((m) => m.Event !== 's3:TestEvent'));
  return found;
}

const queueConfiguration = (
  queueArn: string,
  extra: Partial<NonNullable<NotificationConfiguration['QueueConfigurations']>[number]> = {},
): NotificationConfiguration => ({
  QueueConfigurations: [
    {
      Id: 'rides',
      QueueArn: queueArn,
      Events: ['s3:ObjectCreated:*'],
      Filter: {
        Key: {
          FilterRules: [
            { Name: 'prefix', Value: 'rides/' },
            { Name: 'suffix', Value: '.json' },
          ],
        },
      },
      ...extra,
    },
  ],
});

describe('S3 notification configuration', () => {
  test('round trips, and S3 sends the queue a test event', async () => {
    const Bucket = await newBucket();
    const { QueueUrl, queueArn } = await queueFor(Bucket);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: queueConfiguration(queueArn) }));
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    assert.deepEqual(got.QueueConfigurations, [
      {
        Id: 'rides',
        QueueArn: queueArn,
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'Prefix', Value: 'rides/' },
              { Name: 'Suffix', Value: '.json' },
            ],
          },
        },
      },
    ]);
    const [testEvent] = await receive(QueueUrl);
    assert.equal(testEvent.Event, 's3:TestEvent');
    assert.equal(testEvent.Service, 'Amazon S3');
    assert.equal(testEvent.Bucket, Bucket);
  });

  test('an empty configuration answers empty, and removing the configuration stops events', async () => {
    const Bucket = await newBucket();
    const empty = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    assert.equal(empty.QueueConfigurations, undefined);
    const { QueueUrl, queueArn } = await queueFor(Bucket);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: queueConfiguration(queueArn) }));
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: {} }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'rides/1.json', Body: '{}' }));
    assert.deepEqual(
      (await receive(QueueUrl)).filter((m) => m.Records),
      [],
    );
  });

  test('a queue whose policy does not allow S3 fails validation, as on AWS', async () => {
    const Bucket = await newBucket();
    const { queueArn } = await queueFor(Bucket, { allow: false });
    const error = await s3
      .send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: queueConfiguration(queueArn) }))
      .catch((e) => e);
    assert.equal(error.name, 'InvalidArgument');
    assert.equal(error.message, 'Unable to validate the following destination configurations');
    assert.equal(error.ArgumentName1, queueArn);
    assert.match(error.ArgumentValue1, /Permissions on the destination queue do not allow S3/);
    const missing = queueArn.replace(/[^:]+$/, 'no-such-queue');
    await assert.rejects(
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: queueConfiguration(missing) })),
      /Unable to validate the following destination configurations/,
    );
    assert.deepEqual(
      (await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }))).QueueConfigurations,
      undefined,
      'nothing is stored',
    );
  });

  test('a function without a permission for S3, and a topic whose policy does not allow it, fail validation', async () => {
    const Bucket = await newBucket();
    const lambda = new LambdaClient(clientConfig(cloud.target));
    const FunctionArn = await createTestFunction(lambda, uniqueName('fn'), 'exports.handler = async () => {};');
    await assert.rejects(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: FunctionArn, Events: ['s3:ObjectCreated:*'] }] },
        }),
      ),
      (e: any) => e.name === 'InvalidArgument' && /Lambda function do not allow/.test(e.ArgumentValue1),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    await assert.rejects(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: { TopicConfigurations: [{ TopicArn, Events: ['s3:ObjectRemoved:*'] }] },
        }),
      ),
      (e: any) => e.name === 'InvalidArgument' && /destination topic do not allow/.test(e.ArgumentValue1),
    );
  });

  test('unknown events, overlapping filters and EventBridge are refused', async () => {
    const Bucket = await newBucket();
    const { queueArn } = await queueFor(Bucket);
    await assert.rejects(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: queueConfiguration(queueArn, { Events: ['s3:ObjectCreated:Shiny' as never] }),
        }),
      ),
      (e: any) => e.name === 'InvalidArgument' && /event is not supported/.test(e.message),
    );
    const overlapping: NotificationConfiguration = {
      QueueConfigurations: [
        {
          Id: 'a',
          QueueArn: queueArn,
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'rides/' }] } },
        },
        {
          Id: 'b',
          QueueArn: queueArn,
          Events: ['s3:ObjectCreated:Put'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'rides/2024/' }] } },
        },
      ],
    };
    await assert.rejects(
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: overlapping })),
      /ambiguously defined/,
    );
    await assert.rejects(
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { EventBridgeConfiguration: {} } })),
      /EventBridgeConfiguration is not supported/,
    );
    await assert.rejects(
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: uniqueName('missing'), NotificationConfiguration: {} })),
      (e: any) => e.name === 'NoSuchBucket',
    );
  });

  test('subresources fauxqs would misread are refused by name', async () => {
    const Bucket = await newBucket();
    await assert.rejects(
      s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } })),
      (e: any) => e.name === 'NotImplemented' && /\?versioning/.test(e.message),
    );
  });

  test('bucket policies are stored and returned', async () => {
    const Bucket = await newBucket();
    await assert.rejects(s3.send(new GetBucketPolicyCommand({ Bucket })), (e: any) => e.name === 'NoSuchBucketPolicy');
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: `${bucketArn(Bucket)}/*`,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy }));
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy, Policy);
    await assert.rejects(s3.send(new PutBucketPolicyCommand({ Bucket, Policy: 'not json' })), (e: any) => e.name === 'MalformedPolicy');
    // A Deny the local S3 would not enforce is refused by name, not stored without effect.
    const deny = JSON.stringify({
      Statement: [{ Sid: 'NoReads', Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `${bucketArn(Bucket)}/*` }],
    });
    await assert.rejects(
      s3.send(new PutBucketPolicyCommand({ Bucket, Policy: deny })),
      (e: any) => e.name === 'NotImplemented' && /NoReads/.test(e.message),
    );
  });
});

describe('S3 event delivery', () => {
  test('an object under the prefix with the suffix reaches the queue in AWS record shape; others do not', async () => {
    const Bucket = await newBucket();
    const { QueueUrl, queueArn } = await queueFor(Bucket);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: queueConfiguration(queueArn) }));
    await receive(QueueUrl, sqs, 0); // the test event
    await s3.send(new PutObjectCommand({ Bucket, Key: 'photos/1.json', Body: '{}' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'rides/1.txt', Body: '{}' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'rides/ride 1=a.json', Body: '{"ride":1}' }));
    const messages = await receiveRecords(QueueUrl);
    assert.equal(messages.length, 1, 'only the matching object is notified');
    const [record] = messages[0].Records;
    assert.deepEqual(Object.keys(record).sort(), [
      'awsRegion',
      'eventName',
      'eventSource',
      'eventTime',
      'eventVersion',
      'requestParameters',
      'responseElements',
      's3',
      'userIdentity',
    ]);
    assert.equal(record.eventVersion, '2.1');
    assert.equal(record.eventSource, 'aws:s3');
    assert.equal(record.awsRegion, 'us-east-1');
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal(record.s3.s3SchemaVersion, '1.0');
    assert.equal(record.s3.configurationId, 'rides');
    assert.deepEqual(record.s3.bucket, { name: Bucket, ownerIdentity: { principalId: '000000000000' }, arn: bucketArn(Bucket) });
    assert.equal(record.s3.object.key, 'rides/ride+1%3Da.json', 'the key is URL-encoded as AWS encodes it');
    assert.equal(record.s3.object.size, 10);
    assert.match(record.s3.object.eTag, /^[0-9a-f]{32}$/);
    assert.match(record.s3.object.sequencer, /^[0-9A-F]{16,}$/);
  });

  test('copies, multipart uploads and deletions carry their event names', async () => {
    const Bucket = await newBucket();
    const { QueueUrl, queueArn } = await queueFor(Bucket);
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            { QueueArn: queueArn, Events: ['s3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload', 's3:ObjectRemoved:*'] },
          ],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a.txt', Body: 'a' }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'b.txt', CopySource: `${Bucket}/a.txt` }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big.bin' }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket, Key: 'big.bin', UploadId, PartNumber: 1, Body: 'part' }));
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a.txt' }));
    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'b.txt' }, { Key: 'big.bin' }] } }));
    const records: any[] = [];
    const deadline = Date.now() + 3_000;
    while (records.length < 5 && Date.now() < deadline)
      records.push(...(await receive(QueueUrl)).filter((m) => m.Records).flatMap((m) => m.Records));
    const seen = records.map((r) => `${r.eventName} ${r.s3.object.key}`).sort();
    assert.deepEqual(seen, [
      'ObjectCreated:CompleteMultipartUpload big.bin',
      'ObjectCreated:Copy b.txt',
      'ObjectRemoved:Delete a.txt',
      'ObjectRemoved:Delete b.txt',
      'ObjectRemoved:Delete big.bin',
    ]);
    const removed = records.find((r) => r.eventName === 'ObjectRemoved:Delete');
    assert.deepEqual(Object.keys(removed.s3.object).sort(), ['key', 'sequencer'], 'delete records have no size or eTag');
    assert.equal(records.find((r) => r.eventName === 'ObjectCreated:CompleteMultipartUpload').s3.object.size, 4);
  });

  test('a topic destination publishes with the subject "Amazon S3 Notification"', async () => {
    const Bucket = await newBucket();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    const topicPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'SNS:Publish',
          Resource: TopicArn,
          Condition: { ArnLike: { 'aws:SourceArn': bucketArn(Bucket) } },
        },
      ],
    };
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Policy', AttributeValue: JSON.stringify(topicPolicy) }));
    const { QueueUrl, queueArn } = await queueFor(Bucket, { allow: false });
    const queuePolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
        },
      ],
    };
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(queuePolicy) } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: { TopicConfigurations: [{ Id: 'removed', TopicArn, Events: ['s3:ObjectRemoved:Delete'] }] },
      }),
    );
    const [testEnvelope] = await receive(QueueUrl);
    assert.equal(JSON.parse(testEnvelope.Message).Event, 's3:TestEvent');
    await s3.send(new PutObjectCommand({ Bucket, Key: 'gone.txt', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'gone.txt' }));
    const [envelope] = await receiveRecords(QueueUrl);
    assert.equal(envelope.Subject, 'Amazon S3 Notification');
    const [record] = JSON.parse(envelope.Message).Records;
    assert.equal(record.eventName, 'ObjectRemoved:Delete');
    assert.equal(record.s3.configurationId, 'removed');
  });

  test('a Lambda destination is invoked asynchronously with the record', async () => {
    const Bucket = await newBucket();
    const lambda = new LambdaClient(clientConfig(cloud.target));
    const FunctionName = uniqueName('on-upload');
    const FunctionArn = await createTestFunction(
      lambda,
      FunctionName,
      'exports.handler = async (event) => { console.log("EVENT " + JSON.stringify(event)); };',
    );
    await lambda.send(
      new AddPermissionCommand({
        FunctionName,
        StatementId: 's3',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: bucketArn(Bucket),
        SourceAccount: '000000000000',
      }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Id: 'fn',
              LambdaFunctionArn: FunctionArn,
              Events: ['s3:ObjectCreated:Put'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } },
            },
          ],
        },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket, Key: 'in/photo.jpg', Body: 'jpg' }));
    const logs = new CloudWatchLogsClient(clientConfig(cloud.target));
    let message: string | undefined;
    for (const deadline = Date.now() + 5_000; !message && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const { events = [] } = await logs
        .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FunctionName}` }))
        .catch(() => ({ events: [] }));
      message = events.find((e) => e.message?.includes('EVENT '))?.message;
    }
    assert.ok(message, 'the function ran');
    const event = JSON.parse(message!.slice(message!.indexOf('EVENT ') + 6));
    assert.equal(event.Records[0].eventName, 'ObjectCreated:Put');
    assert.equal(event.Records[0].s3.object.key, 'in/photo.jpg');
  });

  test('deleting the bucket removes its configuration', async () => {
    const Bucket = await newBucket();
    const { queueArn } = await queueFor(Bucket);
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: queueConfiguration(queueArn) }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
    await s3.send(new CreateBucketCommand({ Bucket }));
    assert.equal((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }))).QueueConfigurations, undefined);
  });
});

test('the configuration survives a restart of the local cloud', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-s3-persist-'));
  const target = (endpoint: string): Target => ({ kind: 'local', endpoint, region: 'us-east-1', prefix: 'p' });
  try {
    let running = await startCloud({ port: 0, dataDir, persist: true });
    let c = clients(target(running.endpoint));
    const Bucket = await newBucket(c.s3);
    const { queueArn } = await queueFor(Bucket, { client: c.sqs });
    await c.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: queueConfiguration(queueArn) }));
    await running.stop();

    running = await startCloud({ port: 0, dataDir, persist: true });
    c = clients(target(running.endpoint));
    try {
      const got = await c.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
      assert.equal(got.QueueConfigurations?.[0].QueueArn, queueArn);
      const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: queueArn.split(':').pop()! }));
      await receive(QueueUrl!, c.sqs, 0); // the test event sent before the restart
      await c.s3.send(new PutObjectCommand({ Bucket, Key: 'rides/after-restart.json', Body: '{}' }));
      const [message] = await receiveRecords(QueueUrl!, c.sqs);
      assert.equal(message?.Records[0].s3.object.key, 'rides/after-restart.json');
    } finally {
      await running.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
