// The Lab 5 rows of the benchmark (scripts/bench.ts): verify lab-5, ordered throughput through
// SNS FIFO → SQS FIFO with the order checked, and Kinesis put → consumer latency. Figures only.
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { clientConfig } from '../labs/kit/clients.ts';
import type { Target } from '../labs/kit/target.ts';
import type { RunningCloud } from '../src/cloud/cloud.ts';
import { handlerZip, TEST_ROLE } from '../src/cloud/testing/lambda-zip.ts';
import type { LabEngine } from '../src/engine/engine.ts';
import type { EngineEvent } from '../src/engine/events.ts';

type Row = (what: string, figure: string, budget: string) => void;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const quiet = (_: EngineEvent) => undefined;

/** `verify lab-5` on the full solution: once right after the deploy (functions start cold), then warm. */
export async function verifyLab5(engine: LabEngine, row: Row, rounds = 3): Promise<void> {
  if (!(await engine.deploy('lab-5', { solution: true, step: Number.POSITIVE_INFINITY }, quiet))) throw new Error('deploy lab-5 failed');
  const times: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    const started = performance.now();
    let failed = '';
    const ok = await engine.verify('lab-5', (e) => {
      if (e.type === 'checkpoint' && !e.ok) failed += ` ${e.id}: ${e.detail};`;
    });
    if (!ok) throw new Error(`verify lab-5 failed on the solution:${failed}`);
    times.push(performance.now() - started);
  }
  row('verify lab-5 (16 checkpoints), first after the deploy', ms(times[0]), '(functions start cold)');
  row('verify lab-5 (16 checkpoints), warm, median', ms(percentile(times.slice(1), 50)), '≤ 1000 ms');
  await engine.destroy('lab-5', quiet);
}

/**
 * Ride events through an SNS FIFO topic into an SQS FIFO queue with raw delivery: `groups` rides
 * publish `perGroup` events each, one after the other, all rides at once; consumers receive and
 * delete in batches of 10. Messages per second from the first publish to the last delete, and
 * whether every group arrived in order and exactly once.
 */
export async function fifoThroughput(target: Target, row: Row, groups = 50, perGroup = 20): Promise<void> {
  const config = clientConfig(target);
  const [sns, sqs] = [new SNSClient(config), new SQSClient(config)];
  try {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: 'bench-rides.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }),
    );
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-ledger.fifo', Attributes: { FifoQueue: 'true' } }));
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

    const total = groups * perGroup;
    const received = new Map<string, number[]>();
    let count = 0;
    const started = performance.now();
    const publishing = Promise.all(
      Array.from({ length: groups }, async (_, g) => {
        for (let n = 1; n <= perGroup; n++)
          await sns.send(new PublishCommand({ TopicArn, MessageGroupId: `ride-${g}`, Message: JSON.stringify({ ride: g, seq: n }) }));
      }),
    );
    const consuming = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (count < total) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
              MessageSystemAttributeNames: ['MessageGroupId'],
            }),
          );
          if (Messages.length === 0) continue;
          for (const m of Messages) {
            const group = m.Attributes!.MessageGroupId!;
            received.set(group, [...(received.get(group) ?? []), JSON.parse(m.Body!).seq]);
          }
          count += Messages.length;
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      }),
    );
    await Promise.all([publishing, consuming]);
    const elapsed = performance.now() - started;
    const inOrder = [...received.values()].filter((seqs) => seqs.length === perGroup && seqs.every((seq, i) => seq === i + 1)).length;
    row(
      `SNS FIFO → SQS FIFO, ${total} messages in ${groups} groups, publish → deleted`,
      `${Math.round((count * 1000) / elapsed)} msgs/s`,
      '',
    );
    row('  groups in order, each message once', `${inOrder}/${groups}`, `${groups}/${groups}`);
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}

/**
 * A record put on a Kinesis stream → the function reading it through an event source mapping,
 * timed from just before PutRecord to the invocation's event on the cloud's event stream.
 */
export async function kinesisLatency(cloud: RunningCloud, target: Target, row: Row, samples = 100): Promise<void> {
  const config = clientConfig(target);
  const [kinesis, lambda] = [new KinesisClient(config), new LambdaClient(config)];
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'bench-telemetry', ShardCount: 1 }));
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'bench-telemetry' }));
    const { FunctionArn } = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'bench-telemetry',
        Runtime: 'nodejs22.x',
        Role: TEST_ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: handlerZip('exports.handler = async () => {};') },
      }),
    );
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'bench-telemetry',
        EventSourceArn: StreamDescriptionSummary!.StreamARN,
        StartingPosition: 'LATEST',
        BatchSize: 100,
      }),
    );
    let arrived: (() => void) | undefined;
    const stop = cloud.services.activity.subscribe((event) => {
      if (event.service === 'lambda' && event.type === 'invoked' && event.resource === FunctionArn) arrived?.();
    });
    const once = async () => {
      const done = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no invocation within 10 s of a put')), 10_000);
        arrived = () => {
          clearTimeout(timer);
          resolve(performance.now());
        };
      });
      const started = performance.now();
      await kinesis.send(
        new PutRecordCommand({
          StreamName: 'bench-telemetry',
          PartitionKey: 'Shadowfax',
          Data: new TextEncoder().encode('{"unicorn":"Shadowfax"}'),
        }),
      );
      return (await done) - started;
    };
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 3; i++) await once(); // warm-up: the mapping starts, the function starts cold
      for (let i = 0; i < samples; i++) latencies.push(await once());
    } finally {
      stop();
    }
    row(`Kinesis put → Lambda consumer invoked, p50 (n=${samples})`, ms(percentile(latencies, 50)), '(AWS: 627 ms)');
    row('Kinesis put → Lambda consumer invoked, p99', ms(percentile(latencies, 99)), '(AWS: 1,580 ms)');
  } finally {
    kinesis.destroy();
    lambda.destroy();
  }
}
