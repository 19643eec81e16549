import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud, uniqueName } from '../../src/cloud/testing/test-cloud.ts';

/**
 * Conformance with a real client that is not the JavaScript SDK: Debian's AWS CLI (2.9.x). Its
 * bundled botocore predates SQS's move to the JSON protocol, so every SQS call here travels in
 * SQS's query protocol, and the other services in the protocols botocore itself implements.
 * `npm test` installs it through scripts/ensure-test-tools.sh; WORKSHOP_AWS_CLI points elsewhere.
 */
const AWS_CLI = process.env.WORKSHOP_AWS_CLI ?? '/usr/bin/aws';

let cloud: TestCloud;
let scratch: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  cloud = await startTestCloud();
  scratch = await mkdtemp(join(tmpdir(), 'aws-cli-'));
  // Only what the test sets: no profile, config file or endpoint of the person running it.
  env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(scratch, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'credentials'),
    AWS_PAGER: '',
    // A mishandled request must fail at once, not hide behind retries.
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});
after(async () => {
  await cloud?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws <args>` against the test cloud. This CLI ignores AWS_ENDPOINT_URL, so the endpoint is a flag. */
function run(args: string[]): Promise<CliResult> {
  const argv = [...args, '--endpoint-url', cloud.endpoint, '--output', 'json', '--cli-connect-timeout', '2', '--cli-read-timeout', '8'];
  return new Promise((resolve, reject) => {
    execFile(AWS_CLI, argv, { env, timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number')
        return reject(new Error(`aws ${args.join(' ')} did not finish: ${error.message}\n${stderr}`));
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

/** Runs `aws <args>`, which must succeed, and parses its JSON output ({} when it prints nothing). */
async function aws(...args: string[]): Promise<any> {
  const result = await run(args);
  assert.equal(result.code, 0, `aws ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout.trim() ? JSON.parse(result.stdout) : {};
}

/** Runs `aws <args>`, which must fail with the AWS error `code`. */
async function awsFails(code: string, ...args: string[]): Promise<void> {
  const result = await run(args);
  assert.notEqual(result.code, 0, `aws ${args.join(' ')} should have failed with ${code}`);
  assert.match(result.stderr, new RegExp(`An error occurred \\(${code.replaceAll('.', '\\.')}\\)`), result.stderr);
}

async function queueArn(queueUrl: string): Promise<string> {
  return (await aws('sqs', 'get-queue-attributes', '--queue-url', queueUrl, '--attribute-names', 'QueueArn')).Attributes.QueueArn;
}

describe('AWS CLI (botocore) against the local cloud', () => {
  test('this CLI speaks SQS query protocol, so the translation is what gets exercised', async () => {
    const result = await run(['sqs', 'list-queues', '--debug']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /'Content-Type': 'application\/x-www-form-urlencoded[^']*'.*'Action': 'ListQueues'/,
      `${AWS_CLI} sent SQS requests in another protocol: point WORKSHOP_AWS_CLI at an AWS CLI whose botocore predates SQS's JSON protocol (Debian 12's awscli 2.9.19 does).`,
    );
  });

  test('SQS: a queue from creation to deletion', async () => {
    const QueueName = uniqueName('cli');
    const { QueueUrl } = await aws(
      'sqs',
      'create-queue',
      '--queue-name',
      QueueName,
      '--attributes',
      'VisibilityTimeout=20',
      '--tags',
      'lab=conformance',
    );
    assert.match(QueueUrl, new RegExp(`/000000000000/${QueueName}$`));
    assert.deepEqual(await aws('sqs', 'list-queue-tags', '--queue-url', QueueUrl), { Tags: { lab: 'conformance' } });
    await awsFails('QueueAlreadyExists', 'sqs', 'create-queue', '--queue-name', QueueName, '--attributes', 'VisibilityTimeout=21');

    const attributes = JSON.stringify({
      color: { DataType: 'String', StringValue: 'red' },
      size: { DataType: 'Number', StringValue: '3' },
      raw: { DataType: 'Binary', BinaryValue: 'aGk=' },
    });
    const sent = await aws(
      'sqs',
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      'hello & <welcome>',
      '--message-attributes',
      attributes,
    );
    assert.equal(sent.MD5OfMessageBody.length, 32);
    assert.equal(sent.MD5OfMessageAttributes.length, 32);

    const { Messages } = await aws(
      'sqs',
      'receive-message',
      '--queue-url',
      QueueUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
      '--wait-time-seconds',
      '1',
    );
    assert.equal(Messages.length, 1);
    const [message] = Messages;
    assert.equal(message.MessageId, sent.MessageId);
    assert.equal(message.Body, 'hello & <welcome>');
    assert.equal(message.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(message.Attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(message.MessageAttributes, {
      color: { DataType: 'String', StringValue: 'red' },
      size: { DataType: 'Number', StringValue: '3' },
      raw: { DataType: 'Binary', BinaryValue: 'aGk=' },
    });
    await aws('sqs', 'delete-message', '--queue-url', QueueUrl, '--receipt-handle', message.ReceiptHandle);

    await aws('sqs', 'set-queue-attributes', '--queue-url', QueueUrl, '--attributes', 'VisibilityTimeout=45,DelaySeconds=0');
    const batch = await aws(
      'sqs',
      'send-message-batch',
      '--queue-url',
      QueueUrl,
      '--entries',
      JSON.stringify([
        { Id: 'one', MessageBody: '1' },
        { Id: 'two', MessageBody: '2', DelaySeconds: 0 },
      ]),
    );
    assert.deepEqual(batch.Successful.map((entry: { Id: string }) => entry.Id).sort(), ['one', 'two']);
    assert.equal(batch.Failed, undefined);
    const { Attributes } = await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All');
    assert.equal(Attributes.VisibilityTimeout, '45');
    assert.equal(Attributes.ApproximateNumberOfMessages, '2');
    assert.equal(Attributes.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${QueueName}`);

    await aws('sqs', 'purge-queue', '--queue-url', QueueUrl);
    assert.equal(
      (await aws('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'ApproximateNumberOfMessages')).Attributes
        .ApproximateNumberOfMessages,
      '0',
    );
    await aws('sqs', 'delete-queue', '--queue-url', QueueUrl);
    await awsFails('AWS.SimpleQueueService.NonExistentQueue', 'sqs', 'get-queue-url', '--queue-name', QueueName);
  });

  test('SNS: a message published to a topic reaches a subscribed queue', async () => {
    const { TopicArn } = await aws('sns', 'create-topic', '--name', uniqueName('cli-topic'));
    const { QueueUrl } = await aws('sqs', 'create-queue', '--queue-name', uniqueName('cli-sub'));
    const arn = await queueArn(QueueUrl);
    // As on AWS, the queue's policy must let the topic send to it.
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn,
          Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
        },
      ],
    });
    const policyFile = join(scratch, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ Policy }));
    await aws('sqs', 'set-queue-attributes', '--queue-url', QueueUrl, '--attributes', `file://${policyFile}`);
    const { SubscriptionArn } = await aws(
      'sns',
      'subscribe',
      '--topic-arn',
      TopicArn,
      '--protocol',
      'sqs',
      '--notification-endpoint',
      arn,
      '--return-subscription-arn',
    );
    assert.match(SubscriptionArn, new RegExp(`^${TopicArn}:`));
    const { MessageId } = await aws(
      'sns',
      'publish',
      '--topic-arn',
      TopicArn,
      '--message',
      'ride requested',
      '--message-attributes',
      JSON.stringify({ fare: { DataType: 'Number', StringValue: '12.5' } }),
    );

    const { Messages } = await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--wait-time-seconds', '5');
    assert.equal(Messages?.length, 1, 'the published message did not reach the queue');
    const envelope = JSON.parse(Messages[0].Body);
    assert.equal(envelope.MessageId, MessageId);
    assert.equal(envelope.Message, 'ride requested');
    assert.deepEqual(envelope.MessageAttributes, { fare: { Type: 'Number', Value: '12.5' } });
  });

  test('STS: get-caller-identity', async () => {
    const identity = await aws('sts', 'get-caller-identity');
    assert.equal(identity.Account, '000000000000');
    assert.match(identity.Arn, /^arn:aws:iam::000000000000:/);
  });

  test('DynamoDB: create a table, put an item, get it back', async () => {
    const TableName = uniqueName('cli-table');
    const created = await aws(
      'dynamodb',
      'create-table',
      '--table-name',
      TableName,
      '--billing-mode',
      'PAY_PER_REQUEST',
      '--attribute-definitions',
      'AttributeName=pk,AttributeType=S',
      '--key-schema',
      'AttributeName=pk,KeyType=HASH',
    );
    assert.equal(created.TableDescription.TableName, TableName);
    await aws('dynamodb', 'wait', 'table-exists', '--table-name', TableName);
    await aws(
      'dynamodb',
      'put-item',
      '--table-name',
      TableName,
      '--item',
      JSON.stringify({ pk: { S: 'ride-1' }, fare: { N: '12.5' }, tags: { SS: ['a', 'b'] } }),
    );
    const { Item } = await aws('dynamodb', 'get-item', '--table-name', TableName, '--key', JSON.stringify({ pk: { S: 'ride-1' } }));
    assert.deepEqual(Item, { pk: { S: 'ride-1' }, fare: { N: '12.5' }, tags: { SS: ['a', 'b'] } });
  });

  test('Lambda, CloudWatch Logs, EventBridge and CloudFormation answer in shapes the CLI parses', async () => {
    assert.ok(Array.isArray((await aws('lambda', 'list-functions')).Functions));
    assert.ok(Array.isArray((await aws('logs', 'describe-log-groups')).logGroups));
    const put = await aws(
      'events',
      'put-events',
      '--entries',
      JSON.stringify([{ Source: 'workshop.cli', DetailType: 'probe', Detail: '{"ok":true}' }]),
    );
    assert.equal(put.FailedEntryCount, 0);
    assert.match(put.Entries[0].EventId, /\S/);
    assert.ok(Array.isArray((await aws('cloudformation', 'list-stacks')).StackSummaries));
  });
});
