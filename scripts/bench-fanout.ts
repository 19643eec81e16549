// The SNS fan-out rows of the benchmark (scripts/bench.ts): Publish throughput to a standard
// topic with three SQS subscribers (queue policies in place) against SQS SendMessage through the
// same endpoint, eight concurrent clients each; SNS → SQS delivery latency; and a count, queue by
// queue, that nothing was lost. Figures only, no asserts.
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../labs/kit/clients.ts';
import type { Target } from '../labs/kit/target.ts';
import type { RunningCloud } from '../src/cloud/cloud.ts';

type Row = (what: string, figure: string, budget: string) => void;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const CLIENTS = 8;
const SUBSCRIBERS = 3;
const BODY = JSON.stringify({ rideId: 'ride-0000', fare: 42.5, distance: 12.3, customer: 'alice' });

/** Runs `count` operations spread over `clients.length` clients, one operation in flight per client. */
async function timed<C>(clients: C[], count: number, operation: (client: C, i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (next < count) await operation(client, next++);
    }),
  );
  return performance.now() - started;
}

/** A standard topic whose SQS subscribers each have a queue policy allowing only this topic, as the labs set them. */
async function fanOut(sns: SNSClient, sqs: SQSClient, name: string): Promise<{ TopicArn: string; queues: string[] }> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const queues: string[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${i}` }));
    const QueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const Policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: QueueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
        },
      ],
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    queues.push(QueueUrl!);
  }
  return { TopicArn: TopicArn!, queues };
}

const depth = async (sqs: SQSClient, QueueUrl: string) =>
  Number(
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!
      .ApproximateNumberOfMessages,
  );

/** Waits until every queue holds `expected` messages, or 60 s; returns the counts. */
async function counts(sqs: SQSClient, queues: string[], expected: number): Promise<number[]> {
  const deadline = Date.now() + 60_000;
  let found = await Promise.all(queues.map((q) => depth(sqs, q)));
  while (found.some((n) => n < expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    found = await Promise.all(queues.map((q) => depth(sqs, q)));
  }
  return found;
}

/**
 * Publish against SendMessage, `publishes` of each, eight clients; then SNS → SQS latency from
 * the Publish call to the message being in the queue (the cloud's `sns.delivered` activity).
 */
export async function snsFanOut(cloud: RunningCloud, target: Target, row: Row, publishes = 20_000): Promise<void> {
  const config = clientConfig(target);
  const snsClients = Array.from({ length: CLIENTS }, () => new SNSClient(config));
  const sqsClients = Array.from({ length: CLIENTS }, () => new SQSClient(config));
  const [sns, sqs] = [snsClients[0], sqsClients[0]];
  try {
    // SQS through the endpoint: the yardstick.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-fanout-yardstick' }));
    await timed(sqsClients, 200, (c) => c.send(new SendMessageCommand({ QueueUrl, MessageBody: BODY })));
    const sendMs = await timed(sqsClients, publishes, (c) => c.send(new SendMessageCommand({ QueueUrl, MessageBody: BODY })));
    const sends = (publishes * 1000) / sendMs;

    const { TopicArn, queues } = await fanOut(sns, sqs, 'bench-fanout');
    await timed(snsClients, 200, (c) => c.send(new PublishCommand({ TopicArn, Message: BODY })));
    await counts(sqs, queues, 200);
    for (const q of queues) await sqs.send(new PurgeQueueCommand({ QueueUrl: q }));
    const publishMs = await timed(snsClients, publishes, (c) => c.send(new PublishCommand({ TopicArn, Message: BODY })));
    const rate = (publishes * 1000) / publishMs;
    row(`SQS SendMessage/s through the endpoint, ${CLIENTS} clients`, `${Math.round(sends)}/s`, '');
    row(`SNS Publish/s, ${SUBSCRIBERS} SQS subscribers, ${CLIENTS} clients`, `${Math.round(rate)}/s`, '');
    row('  ratio SNS Publish / SQS SendMessage', `${(rate / sends).toFixed(2)}×`, '≥ 0.5×');
    const found = await counts(sqs, queues, publishes);
    const lost = found.reduce((sum, n) => sum + Math.max(0, publishes - n), 0);
    row(`messages in each subscriber queue after ${publishes} publishes`, found.join(' / '), `${publishes} each`);
    row('  lost', String(lost), '0');

    // Latency, one publish at a time: from the Publish call to the message being in the queue.
    const { TopicArn: latencyTopic } = await fanOut(sns, sqs, 'bench-fanout-latency');
    const sent = new Map<string, number>();
    const delivered: number[] = [];
    // When each message reached each of its queues (it may arrive before Publish has answered).
    const arrivals = new Map<string, number[]>();
    const stop = cloud.services.activity.subscribe((a) => {
      if (a.service !== 'sns' || a.type !== 'delivered' || a.resource !== latencyTopic) return;
      const id = (a.detail as { messageId: string }).messageId;
      arrivals.set(id, [...(arrivals.get(id) ?? []), performance.now()]);
    });
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      const { MessageId } = await sns.send(new PublishCommand({ TopicArn: latencyTopic, Message: BODY }));
      sent.set(MessageId!, t);
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 200));
    stop();
    for (const [id, t] of sent) for (const at of arrivals.get(id) ?? []) delivered.push(at - t);
    row(`SNS → SQS delivery, Publish → in the queue, p50 (n=${delivered.length})`, ms(percentile(delivered, 50)), '');
    row('SNS → SQS delivery, Publish → in the queue, p99', ms(percentile(delivered, 99)), '');
  } finally {
    for (const client of [...snsClients, ...sqsClients]) client.destroy();
  }
}
