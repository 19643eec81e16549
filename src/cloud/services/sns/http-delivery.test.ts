import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createVerify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import type { Activity } from '../../activity/stream.ts';
import { startCloud } from '../../cloud.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A subscriber on loopback that records every POST by path and answers with the status set for that path. */
class Receiver {
  readonly requests = new Map<string, Received[]>();
  readonly status = new Map<string, number>();
  readonly silent = new Set<string>();
  server!: http.Server | https.Server;

  async start(tls?: { key: string; cert: string }): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.requests.set(path, [
          ...(this.requests.get(path) ?? []),
          { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() },
        ]);
        if (this.silent.has(path)) return; // never answers: SNS times out
        res.writeHead(this.status.get(path) ?? 200).end();
      });
    };
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** A fresh URL on this receiver. */
  url(): { url: string; path: string } {
    const path = `/${uniqueName('hook')}`;
    const scheme = this.server instanceof https.Server ? 'https' : 'http';
    return { url: `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`, path };
  }

  async next(path: string, count = 1): Promise<Received[]> {
    await until(() => (this.requests.get(path)?.length ?? 0) >= count, `${count} POST(s) to ${path}`);
    return this.requests.get(path)!;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Checks an SNS message's signature (SignatureVersion 1) with the key published at SigningCertURL. */
async function verifySignature(message: Record<string, string>): Promise<void> {
  const key = await (await fetch(message.SigningCertURL)).text();
  const fields =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const canonical = fields
    .filter((f) => message[f] !== undefined)
    .map((f) => `${f}\n${message[f]}\n`)
    .join('');
  assert.equal(message.SignatureVersion, '1');
  assert.ok(
    createVerify('RSA-SHA1').update(canonical).verify(key, message.Signature, 'base64'),
    'the signature verifies with the key at SigningCertURL',
  );
}

let cloud: TestCloud;
let sns: SNSClient;
let sqs: SQSClient;
let receiver: Receiver;

before(async () => {
  // One second of a delivery policy lasts 1 ms here: the default 20-second retries take 20 ms.
  cloud = await startTestCloud({ snsHttp: { delayMsPerSecond: 1, timeoutMs: 300 } });
  sns = new SNSClient(clientConfig(cloud.target));
  sqs = new SQSClient(clientConfig(cloud.target));
  receiver = await new Receiver().start();
});
after(async () => {
  await receiver.stop();
  await cloud.stop();
});

const newTopic = async () => (await sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }))).TopicArn!;
const eventsOf = (type: string, subscriptionArn: string): Activity[] =>
  cloud.services.activity
    .history()
    .filter((e) => e.service === 'sns' && e.type === type && 'subscriptionArn' in e.detail && e.detail.subscriptionArn === subscriptionArn);

/** Subscribes a fresh URL and confirms it with the token from the confirmation message. */
async function confirmedSubscription(TopicArn: string, Attributes: Record<string, string> = {}) {
  const { url, path } = receiver.url();
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: url, Attributes, ReturnSubscriptionArn: true }),
  );
  const [confirmation] = await receiver.next(path);
  await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: JSON.parse(confirmation.body).Token }));
  return { SubscriptionArn: SubscriptionArn!, url, path };
}

async function deadLetterQueue() {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sns-dlq') }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const Policy = JSON.stringify({
    Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn }],
  });
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
  return { QueueUrl: QueueUrl!, queueArn };
}

describe('SNS → HTTP/S: the confirmation handshake', () => {
  test('Subscribe posts a signed SubscriptionConfirmation; a GET of SubscribeURL confirms; nothing is delivered before', async () => {
    const TopicArn = await newTopic();
    const { url, path } = receiver.url();
    const subscribed = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: url }));
    assert.equal(subscribed.SubscriptionArn, 'pending confirmation');
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.deepEqual(
      Subscriptions.map((s) => [s.SubscriptionArn, s.Protocol, s.Endpoint]),
      [['PendingConfirmation', 'http', url]],
    );

    const [confirmation] = await receiver.next(path);
    assert.equal(confirmation.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.equal(confirmation.headers['x-amz-sns-topic-arn'], TopicArn);
    assert.equal(confirmation.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(confirmation.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    const message = JSON.parse(confirmation.body);
    assert.equal(confirmation.headers['x-amz-sns-message-id'], message.MessageId);
    assert.deepEqual(Object.keys(message).sort(), [
      'Message',
      'MessageId',
      'Signature',
      'SignatureVersion',
      'SigningCertURL',
      'SubscribeURL',
      'Timestamp',
      'Token',
      'TopicArn',
      'Type',
    ]);
    assert.equal(message.Type, 'SubscriptionConfirmation');
    assert.equal(message.TopicArn, TopicArn);
    assert.ok(message.SubscribeURL.startsWith(`${cloud.endpoint}/?Action=ConfirmSubscription&TopicArn=`));
    await verifySignature(message);

    await sns.send(new PublishCommand({ TopicArn, Message: 'before confirmation' }));
    // An unsigned GET, as a subscriber (or a browser) visits the link.
    const visit = await fetch(message.SubscribeURL);
    assert.equal(visit.status, 200);
    const subscriptionArn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(await visit.text())![1];
    assert.ok(subscriptionArn.startsWith(`${TopicArn}:`));
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    assert.equal(Attributes?.PendingConfirmation, 'false');
    assert.equal(Attributes?.ConfirmationWasAuthenticated, 'false');

    await sns.send(new PublishCommand({ TopicArn, Message: 'after confirmation' }));
    const requests = await receiver.next(path, 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      receiver.requests
        .get(path)!
        .slice(1)
        .map((r) => JSON.parse(r.body).Message),
      ['after confirmation'],
    );
    assert.equal(requests.length, 2);
  });

  test('ConfirmSubscription with the token confirms, authenticated; AuthenticateOnUnsubscribe refuses the unsigned UnsubscribeURL', async () => {
    const TopicArn = await newTopic();
    const { url, path } = receiver.url();
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: url, ReturnSubscriptionArn: true }),
    );
    assert.ok(SubscriptionArn!.startsWith(`${TopicArn}:`));
    assert.equal((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes?.PendingConfirmation, 'true');
    const [confirmation] = await receiver.next(path);
    await assert.rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: 'not-the-token' })), InvalidParameterException);
    const confirmed = await sns.send(
      new ConfirmSubscriptionCommand({ TopicArn, Token: JSON.parse(confirmation.body).Token, AuthenticateOnUnsubscribe: 'true' }),
    );
    assert.equal(confirmed.SubscriptionArn, SubscriptionArn);
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    assert.equal(Attributes?.PendingConfirmation, 'false');
    assert.equal(Attributes?.ConfirmationWasAuthenticated, 'true');
    assert.equal(eventsOf('subscription-confirmed', SubscriptionArn!).length, 1);

    await sns.send(
      new PublishCommand({
        TopicArn,
        Message: 'ride',
        Subject: 'rides',
        MessageAttributes: { fare: { DataType: 'Number', StringValue: '12' } },
      }),
    );
    const [, notification] = await receiver.next(path, 2);
    assert.equal(notification.headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(notification.headers['x-amz-sns-subscription-arn'], SubscriptionArn);
    assert.equal(notification.headers['x-amz-sns-topic-arn'], TopicArn);
    assert.equal(notification.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    assert.equal(notification.headers['x-amz-sns-rawdelivery'], undefined);
    const envelope = JSON.parse(notification.body);
    assert.equal(notification.headers['x-amz-sns-message-id'], envelope.MessageId);
    assert.equal(envelope.Type, 'Notification');
    assert.equal(envelope.Message, 'ride');
    assert.equal(envelope.Subject, 'rides');
    assert.deepEqual(envelope.MessageAttributes, { fare: { Type: 'Number', Value: '12' } });
    await verifySignature(envelope);
    await until(() => eventsOf('delivered', SubscriptionArn!).length === 1, 'the delivered event');

    const unsigned = await fetch(envelope.UnsubscribeURL);
    assert.equal(unsigned.status, 403);
    assert.match(await unsigned.text(), /<Code>AuthorizationError<\/Code>/);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    assert.deepEqual((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions, []);
  });

  test('Unsubscribe removes a pending subscription, and its token no longer confirms; an expired token is refused', async () => {
    const TopicArn = await newTopic();
    const first = receiver.url();
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: first.url, ReturnSubscriptionArn: true }),
    );
    const [confirmation] = await receiver.next(first.path);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await assert.rejects(
      sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: JSON.parse(confirmation.body).Token })),
      /Invalid token/,
    );

    const second = receiver.url();
    const pending = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: second.url, ReturnSubscriptionArn: true }));
    const [late] = await receiver.next(second.path);
    // Three days later, as far as the token is concerned.
    cloud.services.sns.store.subscriptions.get(pending.SubscriptionArn!)!.tokenExpiresAt = Date.now() - 1;
    await assert.rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: JSON.parse(late.body).Token })), /expired/);
  });

  test('an unsigned visit of UnsubscribeURL removes a subscription confirmed without AuthenticateOnUnsubscribe', async () => {
    const TopicArn = await newTopic();
    const { SubscriptionArn, path } = await confirmedSubscription(TopicArn);
    await sns.send(new PublishCommand({ TopicArn, Message: 'bye' }));
    const [, notification] = await receiver.next(path, 2);
    const visit = await fetch(JSON.parse(notification.body).UnsubscribeURL);
    assert.equal(visit.status, 200);
    assert.deepEqual((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions, []);
    assert.equal(eventsOf('unsubscribed', SubscriptionArn).length, 1);
  });
});

describe('SNS → HTTP/S: notifications and the delivery policy', () => {
  test('raw message delivery posts the message itself, marked with x-amz-sns-rawdelivery', async () => {
    const TopicArn = await newTopic();
    const { path, SubscriptionArn } = await confirmedSubscription(TopicArn, {
      RawMessageDelivery: 'true',
      DeliveryPolicy: JSON.stringify({ requestPolicy: { headerContentType: 'application/json' } }),
    });
    await sns.send(new PublishCommand({ TopicArn, Message: '{"ride":7}' }));
    const [, raw] = await receiver.next(path, 2);
    assert.equal(raw.body, '{"ride":7}');
    assert.equal(raw.headers['x-amz-sns-rawdelivery'], 'true');
    assert.equal(raw.headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(raw.headers['x-amz-sns-subscription-arn'], SubscriptionArn);
    assert.equal(raw.headers['content-type'], 'application/json');
  });

  test('an endpoint answering 500 is retried as the delivery policy says, then dead-lettered to the subscription DLQ', async () => {
    const TopicArn = await newTopic();
    const dlq = await deadLetterQueue();
    const DeliveryPolicy = JSON.stringify({
      healthyRetryPolicy: { numRetries: 4, numNoDelayRetries: 1, minDelayTarget: 5, maxDelayTarget: 40, backoffFunction: 'exponential' },
    });
    const { SubscriptionArn, path } = await confirmedSubscription(TopicArn, {
      DeliveryPolicy,
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn }),
    });
    receiver.status.set(path, 500);
    await sns.send(new PublishCommand({ TopicArn, Message: 'doomed' }));
    await receiver.next(path, 6); // the confirmation, the first attempt and four retries
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 2 }));
    assert.equal(JSON.parse(Messages[0].Body!).Message, 'doomed');
    const retries = eventsOf('delivery-retry', SubscriptionArn);
    // No delay, then three backoff retries rising exponentially from 5 to 40 seconds (1 ms a second here).
    assert.deepEqual(
      retries.map((e) => e.detail.retryInMs),
      [0, 5, 6, 40],
    );
    assert.match(String(retries[0].detail.reason), /HTTP 500/);
    const [deadLettered] = eventsOf('dead-lettered', SubscriptionArn);
    assert.equal(deadLettered.detail.deadLetterQueue, dlq.queueArn);
    assert.equal(deadLettered.detail.attempts, 5);
    assert.equal(receiver.requests.get(path)!.length, 6);
  });

  test('the topic delivery policy applies when the subscription has none; a 404 is not retried', async () => {
    const TopicArn = await newTopic();
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn,
        AttributeName: 'DeliveryPolicy',
        AttributeValue: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 1, minDelayTarget: 2, maxDelayTarget: 2 } } }),
      }),
    );
    const effective = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.EffectiveDeliveryPolicy!);
    assert.equal(effective.http.defaultHealthyRetryPolicy.numRetries, 1);
    const failing = await confirmedSubscription(TopicArn);
    const missing = await confirmedSubscription(TopicArn);
    assert.equal(
      JSON.parse(
        (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: failing.SubscriptionArn }))).Attributes!
          .EffectiveDeliveryPolicy!,
      ).healthyRetryPolicy.numRetries,
      1,
    );
    receiver.status.set(failing.path, 503);
    receiver.status.set(missing.path, 404);
    await sns.send(new PublishCommand({ TopicArn, Message: 'x' }));
    await until(
      () =>
        eventsOf('delivery-failed', failing.SubscriptionArn).length === 1 &&
        eventsOf('delivery-failed', missing.SubscriptionArn).length === 1,
      'both failures',
    );
    assert.equal(receiver.requests.get(failing.path)!.length, 3); // confirmation, attempt, one retry
    assert.equal(receiver.requests.get(missing.path)!.length, 2); // confirmation, one attempt
    assert.match(String(eventsOf('delivery-failed', missing.SubscriptionArn)[0].detail.reason), /HTTP 404 \(not retried/);
  });

  test('the throttle policy spaces deliveries to one subscription', async () => {
    const TopicArn = await newTopic();
    const { path } = await confirmedSubscription(TopicArn, {
      DeliveryPolicy: JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 20 } }),
    });
    const published = Date.now();
    for (const Message of ['a', 'b', 'c']) await sns.send(new PublishCommand({ TopicArn, Message }));
    const notifications = () => (receiver.requests.get(path) ?? []).filter((r) => JSON.parse(r.body).Type === 'Notification');
    await until(() => notifications().length >= 3, 'three notifications');
    // 20 a second: a POST every 50 ms at most. The first goes after the first publish, so the third
    // cannot arrive sooner than 100 ms after it (98: a timer may fire a millisecond early). Arrival
    // times, not the gaps between them: a busy machine can delay one arrival and not the next.
    const [, , third] = notifications();
    assert.ok(third.at - published >= 98, `${third.at - published} ms`);
    assert.deepEqual(
      notifications()
        .map((r) => JSON.parse(r.body).Message)
        .sort(),
      ['a', 'b', 'c'],
    );
  });

  test('an endpoint that does not answer in time is a failed attempt', async () => {
    const TopicArn = await newTopic();
    const { SubscriptionArn, path } = await confirmedSubscription(TopicArn, {
      DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 0 } }),
    });
    receiver.silent.add(path);
    await sns.send(new PublishCommand({ TopicArn, Message: 'slow' }));
    await until(() => eventsOf('delivery-failed', SubscriptionArn).length === 1, 'the timeout');
    assert.match(String(eventsOf('delivery-failed', SubscriptionArn)[0].detail.reason), /no answer within 300 ms/);
  });

  test('invalid delivery policies are refused by name, and only HTTP/S subscriptions take one', async () => {
    const TopicArn = await newTopic();
    const { SubscriptionArn } = await confirmedSubscription(TopicArn);
    const set = (AttributeValue: unknown) =>
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'DeliveryPolicy',
          AttributeValue: JSON.stringify(AttributeValue),
        }),
      );
    await assert.rejects(set({ healthyRetryPolicy: { numRetries: 101 } }), /numRetries must be a whole number from 0 to 100/);
    await assert.rejects(set({ healthyRetryPolicy: { minDelayTarget: 30, maxDelayTarget: 20 } }), /minDelayTarget/);
    await assert.rejects(set({ healthyRetryPolicy: { backoffFunction: 'random' } }), /backoffFunction/);
    await assert.rejects(set({ healthyRetryPolicy: { numRetries: 100, minDelayTarget: 60, maxDelayTarget: 60 } }), /at most 3600/);
    await assert.rejects(set({ healthyRetryPolicy: { numRetries: 1, numNoDelayRetries: 2 } }), /must not exceed numRetries/);
    await assert.rejects(set({ unknownPolicy: {} }), /unknownPolicy is not a delivery policy field/);
    await assert.rejects(
      sns.send(
        new SetTopicAttributesCommand({
          TopicArn,
          AttributeName: 'DeliveryPolicy',
          AttributeValue: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":-1}}}',
        }),
      ),
      InvalidParameterException,
    );
    const dlq = await deadLetterQueue();
    const queueSubscription = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: dlq.queueArn, ReturnSubscriptionArn: true }),
    );
    await assert.rejects(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: queueSubscription.SubscriptionArn,
          AttributeName: 'DeliveryPolicy',
          AttributeValue: '{"healthyRetryPolicy":{"numRetries":5}}',
        }),
      ),
      /Delivery protocol \[sqs\] does not support delivery policies/,
    );
  });

  test('HTTPS verifies the certificate: a self-signed endpoint fails with the reason in the event stream', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sns-tls-'));
    const secure = new Receiver();
    try {
      const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      await secure.start({ key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') });
      const TopicArn = await newTopic();
      const { url, path } = secure.url();
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: url, ReturnSubscriptionArn: true }),
      );
      await until(() => eventsOf('confirmation-failed', SubscriptionArn!).length === 1, 'the failed confirmation');
      assert.match(String(eventsOf('confirmation-failed', SubscriptionArn!)[0].detail.reason), /not trusted: self-signed certificate/);
      assert.equal(eventsOf('delivery-retry', SubscriptionArn!).length, 3); // AWS's default policy: three retries
      assert.equal(secure.requests.get(path), undefined);
    } finally {
      await secure.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('AWS::SNS::Subscription with Protocol http is created pending, and confirms like any other', async () => {
    const cfn = new CloudFormationClient(clientConfig(cloud.target));
    const { url, path } = receiver.url();
    const StackName = uniqueName('http-sub');
    const TemplateBody = JSON.stringify({
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic' },
        Hook: {
          Type: 'AWS::SNS::Subscription',
          Properties: {
            TopicArn: { Ref: 'Topic' },
            Protocol: 'http',
            Endpoint: url,
            DeliveryPolicy: { healthyRetryPolicy: { numRetries: 5 } },
          },
        },
      },
      Outputs: { TopicArn: { Value: { Ref: 'Topic' } }, SubscriptionArn: { Value: { Ref: 'Hook' } } },
    });
    await cfn.send(new CreateStackCommand({ StackName, TemplateBody }));
    let outputs: Record<string, string> = {};
    await until(async () => {
      const [stack] = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks ?? [];
      outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
      return stack.StackStatus === 'CREATE_COMPLETE';
    }, 'the stack');
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: outputs.SubscriptionArn }));
    assert.equal(Attributes?.PendingConfirmation, 'true');
    assert.equal(JSON.parse(Attributes!.EffectiveDeliveryPolicy!).healthyRetryPolicy.numRetries, 5);
    const [confirmation] = await receiver.next(path);
    assert.equal((await fetch(JSON.parse(confirmation.body).SubscribeURL)).status, 200);
    await sns.send(new PublishCommand({ TopicArn: outputs.TopicArn, Message: 'from the stack' }));
    const [, notification] = await receiver.next(path, 2);
    assert.equal(JSON.parse(notification.body).Message, 'from the stack');
  });
});

test('pending and confirmed HTTP subscriptions survive a restart, and the token still confirms', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sns-http-persist-'));
  const config = (endpoint: string) => clientConfig({ kind: 'local', endpoint, region: 'us-east-1', prefix: 'p' });
  try {
    let local = await startCloud({ port: 0, dataDir, snsHttp: { delayMsPerSecond: 1 } });
    let client = new SNSClient(config(local.endpoint));
    const TopicArn = (await client.send(new CreateTopicCommand({ Name: 'kept-hooks' }))).TopicArn!;
    const confirmed = receiver.url();
    const pending = receiver.url();
    await client.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: confirmed.url }));
    await client.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: pending.url }));
    const [first] = await receiver.next(confirmed.path);
    const [second] = await receiver.next(pending.path);
    await client.send(new ConfirmSubscriptionCommand({ TopicArn, Token: JSON.parse(first.body).Token }));
    await local.stop();

    local = await startCloud({ port: 0, dataDir, snsHttp: { delayMsPerSecond: 1 } });
    client = new SNSClient(config(local.endpoint));
    try {
      const listed = async () =>
        ((await client.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions ?? []).map((s) => [
          s.Endpoint,
          s.SubscriptionArn === 'PendingConfirmation',
        ]);
      assert.deepEqual(
        (await listed()).sort(),
        [
          [confirmed.url, false],
          [pending.url, true],
        ].sort(),
      );
      await client.send(new ConfirmSubscriptionCommand({ TopicArn, Token: JSON.parse(second.body).Token }));
      assert.deepEqual(
        (await listed()).map(([, isPending]) => isPending),
        [false, false],
      );
      await client.send(new PublishCommand({ TopicArn, Message: 'after restart' }));
      const [, a] = await receiver.next(confirmed.path, 2);
      const [, b] = await receiver.next(pending.path, 2);
      assert.deepEqual([JSON.parse(a.body).Message, JSON.parse(b.body).Message], ['after restart', 'after restart']);
    } finally {
      await local.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
