import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AddPermissionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { createTestFunction } from '../../testing/lambda-zip.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let sns: SNSClient;
let sqs: SQSClient;

before(async () => {
  cloud = await startTestCloud();
  sns = new SNSClient(clientConfig(cloud.target));
  sqs = new SQSClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

/** A queue subscribed to a new topic, with the queue policy SNS needs to deliver. */
async function topicWithQueue(attributes: Record<string, string> = {}) {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('queue') }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = Attributes!.QueueArn!;
  const Policy = JSON.stringify({
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
  });
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: attributes, ReturnSubscriptionArn: true }),
  );
  return { TopicArn: TopicArn!, QueueUrl: QueueUrl!, queueArn, SubscriptionArn: SubscriptionArn! };
}

async function receiveAll(QueueUrl: string) {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }),
  );
  return Messages;
}

const number = (value: number) => ({ DataType: 'Number', StringValue: String(value) });
const string = (value: string) => ({ DataType: 'String', StringValue: value });

describe('SNS → SQS', () => {
  test('wraps the message in the notification envelope, with attributes', async () => {
    const { TopicArn, QueueUrl } = await topicWithQueue();
    await sns.send(new PublishCommand({ TopicArn, Message: '{"ride":1}', Subject: 'ride', MessageAttributes: { fare: number(12.5) } }));
    const [message] = await receiveAll(QueueUrl);
    const envelope = JSON.parse(message.Body!);
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.TopicArn, TopicArn);
    assert.equal(envelope.Message, '{"ride":1}');
    assert.equal(envelope.Subject, 'ride');
    assert.deepEqual(envelope.MessageAttributes, { fare: { Type: 'Number', Value: '12.5' } });
    assert.equal(envelope.SignatureVersion, '1');
  });

  test("a topic's SignatureVersion 2 signs with SHA256, verifiable with the key at SigningCertURL; attributes it cannot honour are refused", async () => {
    const { TopicArn, QueueUrl } = await topicWithQueue();
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'signed', Subject: 'ride' }));
    const envelope = JSON.parse((await receiveAll(QueueUrl))[0].Body!);
    assert.equal(envelope.SignatureVersion, '2');
    const canonical = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'].map((k) => `${k}\n${envelope[k]}\n`).join('');
    const key = await (await fetch(envelope.SigningCertURL)).text();
    assert.ok(createVerify('RSA-SHA256').update(canonical).verify(key, envelope.Signature, 'base64'));
    await assert.rejects(
      sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '3' })),
      /SignatureVersion/,
    );
    await assert.rejects(
      sns.send(
        new SetTopicAttributesCommand({ TopicArn, AttributeName: 'ArchivePolicy', AttributeValue: '{"MessageRetentionPeriod":"30"}' }),
      ),
      /ArchivePolicy/,
    );
  });

  test('raw message delivery sends the body itself and the attributes as SQS attributes', async () => {
    const { TopicArn, QueueUrl } = await topicWithQueue({ RawMessageDelivery: 'true' });
    await sns.send(new PublishCommand({ TopicArn, Message: '{"ride":2}', MessageAttributes: { fare: number(30) } }));
    const [message] = await receiveAll(QueueUrl);
    assert.equal(message.Body, '{"ride":2}');
    assert.deepEqual(message.MessageAttributes?.fare, { DataType: 'Number', StringValue: '30' });
  });

  test('a queue whose policy does not allow the topic receives nothing', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('closed') }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'lost' }));
    assert.equal((await receiveAll(QueueUrl!)).length, 0);
  });
});

describe('SNS filter policies through the endpoint', () => {
  const cases: { name: string; policy: object; delivered: Record<string, any>[]; filtered: Record<string, any>[] }[] = [
    {
      name: 'numeric ranges (the Lab 1 policy: both conditions)',
      policy: { fare: [{ numeric: ['>=', 50] }], distance: [{ numeric: ['>=', 20] }] },
      delivered: [
        { fare: number(256.5), distance: number(600) },
        { fare: number(50), distance: number(20) },
      ],
      filtered: [{ fare: number(12), distance: number(600) }, { fare: number(256.5), distance: number(5) }, { fare: number(256.5) }],
    },
    {
      name: 'exact strings',
      policy: { customer: ['cmr', 'vip'] },
      delivered: [{ customer: string('cmr') }, { customer: string('vip') }],
      filtered: [{ customer: string('CMR') }, { customer: string('other') }, {}],
    },
    {
      name: 'prefix',
      policy: { city: [{ prefix: 'Ber' }] },
      delivered: [{ city: string('Berlin') }],
      filtered: [{ city: string('Frankfurt') }, { city: string('ber') }],
    },
    {
      name: 'anything-but',
      policy: { status: [{ 'anything-but': ['cancelled', 'refunded'] }] },
      delivered: [{ status: string('completed') }],
      filtered: [{ status: string('cancelled') }, { status: string('refunded') }],
    },
    {
      name: 'exists',
      policy: { promo: [{ exists: true }], blocked: [{ exists: false }] },
      delivered: [{ promo: string('x') }],
      filtered: [{}, { promo: string('x'), blocked: string('yes') }],
    },
  ];
  for (const { name, policy, delivered, filtered } of cases) {
    test(name, async () => {
      const { TopicArn, QueueUrl } = await topicWithQueue({ FilterPolicy: JSON.stringify(policy), RawMessageDelivery: 'true' });
      const all = [...delivered.map((a, i) => ({ a, body: `in-${i}` })), ...filtered.map((a, i) => ({ a, body: `out-${i}` }))];
      for (const { a, body } of all) await sns.send(new PublishCommand({ TopicArn, Message: body, MessageAttributes: a }));
      const bodies = (await receiveAll(QueueUrl)).map((m) => m.Body).sort();
      assert.deepEqual(bodies, delivered.map((_, i) => `in-${i}`).sort());
    });
  }

  test('filter policy on the message body', async () => {
    const { TopicArn, QueueUrl } = await topicWithQueue({
      FilterPolicy: JSON.stringify({ ride: { fare: [{ numeric: ['>', 100] }] } }),
      FilterPolicyScope: 'MessageBody',
      RawMessageDelivery: 'true',
    });
    await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ ride: { fare: 150 } }) }));
    await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ ride: { fare: 50 } }) }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'not json' }));
    const bodies = (await receiveAll(QueueUrl)).map((m) => m.Body);
    assert.deepEqual(bodies, [JSON.stringify({ ride: { fare: 150 } })]);
  });

  test('an invalid filter policy is refused with InvalidParameter and not applied', async () => {
    const { SubscriptionArn } = await topicWithQueue();
    await assert.rejects(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"fare":[{"numeric":[">=","fifty"]}]}',
        }),
      ),
      InvalidParameterException,
    );
    const attributes = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    assert.equal(attributes.Attributes?.FilterPolicy, undefined);
  });
});

describe('SNS subscription dead-letter queues', () => {
  test('a message that cannot be delivered goes to the subscription DLQ', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sns-dlq') }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
      .QueueArn!;
    const Policy = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: dlqArn }],
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, Attributes: { Policy } }));
    // A Lambda subscription whose function does not exist: every delivery fails.
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'lambda',
        Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:gone',
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn }) },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn, Message: 'undeliverable' }));
    const [message] = await receiveAll(dlq.QueueUrl!);
    assert.equal(JSON.parse(message.Body!).Message, 'undeliverable');
  });
});

describe('SNS → Lambda', () => {
  test('delivers to a function that allows SNS, and not to one that does not', async () => {
    const lambda = new LambdaClient(clientConfig(cloud.target));
    const logs = new CloudWatchLogsClient(clientConfig(cloud.target));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    const source = `exports.handler = async (event) => { for (const r of event.Records) console.log('got', r.Sns.Message, r.EventSource, r.Sns.MessageAttributes.fare.Value); };`;
    const names = { allowed: uniqueName('allowed'), denied: uniqueName('denied') };
    for (const FunctionName of Object.values(names)) {
      const FunctionArn = await createTestFunction(lambda, FunctionName, source);
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: FunctionArn }));
    }
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: names.allowed,
        StatementId: 'sns',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: TopicArn,
      }),
    );
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(Subscriptions.length, 2);
    await sns.send(new PublishCommand({ TopicArn, Message: 'hello-lambda', MessageAttributes: { fare: number(9) } }));
    const linesOf = async (name: string) => {
      try {
        const { events = [] } = await logs.send(
          new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: '"hello-lambda"' }),
        );
        return events.map((e) => e.message);
      } catch {
        return [];
      }
    };
    let lines: (string | undefined)[] = [];
    for (let i = 0; i < 100 && lines.length === 0; i++) {
      lines = await linesOf(names.allowed);
      if (lines.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /got hello-lambda aws:sns 9$/);
    assert.deepEqual(await linesOf(names.denied), []);
  });
});

describe('SNS FIFO topics', () => {
  /** A FIFO topic and a FIFO queue subscribed to it with raw delivery. */
  async function fifoTopicWithQueue() {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: `${uniqueName('rides')}.fifo`, Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }),
    );
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${uniqueName('ledger')}.fifo`, Attributes: { FifoQueue: 'true' } }),
    );
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const Policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
        },
      ],
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
    return { TopicArn: TopicArn!, QueueUrl: QueueUrl! };
  }

  test('delivers each message group in publish order, and a duplicate (same id, or same body) once', async () => {
    const { TopicArn, QueueUrl } = await fifoTopicWithQueue();
    const publish = (group: string, body: string, id?: string) =>
      sns.send(new PublishCommand({ TopicArn, Message: body, MessageGroupId: group, MessageDeduplicationId: id }));
    await Promise.all(
      ['ride-a', 'ride-b'].map(async (ride) => {
        for (const n of [1, 2, 3]) await publish(ride, `${ride}#${n}`, `${ride}-${n}`);
      }),
    );
    await publish('ride-a', 'ride-a#1 again', 'ride-a-1');
    await publish('ride-b', 'ride-b#4');
    await publish('ride-b', 'ride-b#4');
    const received: string[] = [];
    for (let i = 0; i < 20 && received.length < 7; i++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['MessageGroupId'],
        }),
      );
      for (const m of Messages) {
        received.push(m.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    assert.deepEqual(
      received.filter((b) => b.startsWith('ride-a')),
      ['ride-a#1', 'ride-a#2', 'ride-a#3'],
    );
    assert.deepEqual(
      received.filter((b) => b.startsWith('ride-b')),
      ['ride-b#1', 'ride-b#2', 'ride-b#3', 'ride-b#4'],
    );
  });

  test('refuses a subscription that is not an SQS queue: FIFO topics deliver only to Amazon SQS', async () => {
    const { TopicArn } = await fifoTopicWithQueue();
    for (const [Protocol, Endpoint] of [
      ['lambda', 'arn:aws:lambda:us-east-1:000000000000:function:ledger'],
      ['https', 'https://example.com/hook'],
    ]) {
      await assert.rejects(
        sns.send(new SubscribeCommand({ TopicArn, Protocol, Endpoint })),
        (error: Error) => error instanceof InvalidParameterException && /FIFO topics deliver only to Amazon SQS queues/.test(error.message),
      );
    }
  });
});
