// What durability costs (scripts/bench.ts, or alone: node --import tsx scripts/bench-durability.ts):
// the latency of a create (SNS CreateTopic, SSM PutParameter: a record in state.db before the
// answer) and of a publish (SNS Publish to a topic with an SQS subscriber: the owed delivery in a
// ledger before the answer, then the message in SQS's own SQLite database), on a cloud that keeps its state (persist) against one that keeps
// nothing, the two measured in turn, call by call, so a noisy machine moves both alike. A publish
// to a topic without subscribers shows the ledger's own cost; with one, the delivery is also
// written to SQS's own database (fauxqs's SQLite, which syncs every write to disk), so a busy
// disk shows most there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type RunningCloud, startCloud } from '../src/cloud/cloud.ts';
import { allowTopic } from '../src/cloud/testing/reliability/crash.ts';

type Row = (what: string, figure: string, budget: string) => void;
const ROUNDS = 300;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)];

async function clientsOf(cloud: RunningCloud) {
  const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } };
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  const ssm = new SSMClient(config);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'bench-durability' }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-durability' }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: allowTopic(Attributes!.QueueArn!, TopicArn!) } }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));
  const { TopicArn: LonelyArn } = await sns.send(new CreateTopicCommand({ Name: 'bench-durability-alone' }));
  return { sns, ssm, TopicArn: TopicArn!, LonelyArn: LonelyArn! };
}

const timed = async (call: () => Promise<unknown>) => {
  const started = performance.now();
  await call();
  return performance.now() - started;
};

export async function benchDurability(row: Row): Promise<void> {
  const dirs = await Promise.all([mkdtemp(join(tmpdir(), 'bench-durable-')), mkdtemp(join(tmpdir(), 'bench-memory-'))]);
  const durable = await startCloud({ port: 0, dataDir: dirs[0], persist: true });
  const volatile = await startCloud({ port: 0, dataDir: dirs[1], persist: false });
  try {
    const [a, b] = [await clientsOf(durable), await clientsOf(volatile)];
    // The publish first, while the cloud holds what a lab holds (a commit compares each changed
    // service's records: its cost grows with them, as the creates below show).
    const operations = {
      'SNS Publish (no subscriber)': (c: typeof a, i: number) =>
        c.sns.send(new PublishCommand({ TopicArn: c.LonelyArn, Message: `m${i}` })),
      'SNS Publish (one SQS subscriber)': (c: typeof a, i: number) =>
        c.sns.send(new PublishCommand({ TopicArn: c.TopicArn, Message: `m${i}` })),
      'SNS CreateTopic': (c: typeof a, i: number) => c.sns.send(new CreateTopicCommand({ Name: `bench-topic-${i}` })),
      'SSM PutParameter': (c: typeof a, i: number) =>
        c.ssm.send(new PutParameterCommand({ Name: `/bench/p${i}`, Value: 'v', Type: 'String' })),
    };
    for (const [name, operation] of Object.entries(operations)) {
      for (let i = 0; i < 20; i++) await Promise.all([operation(a, -i - 1), operation(b, -i - 1)]); // warm-up
      const kept: number[] = [];
      const notKept: number[] = [];
      const ratios: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const first = i % 2 === 0;
        const x = first ? await timed(() => operation(a, i)) : 0;
        const y = await timed(() => operation(b, i));
        const z = first ? x : await timed(() => operation(a, i));
        kept.push(z);
        notKept.push(y);
        ratios.push(z / y);
      }
      row(`${name}: durable / in memory only, median`, `${median(kept).toFixed(2)} / ${median(notKept).toFixed(2)} ms`, '');
      row(
        `${name}: durability adds (median of paired ratios)`,
        `×${median(ratios).toFixed(2)}, +${(median(kept) - median(notKept)).toFixed(2)} ms`,
        `p99 ${p99(kept).toFixed(1)} / ${p99(notKept).toFixed(1)} ms`,
      );
    }
  } finally {
    await durable.stop();
    await volatile.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDurability((what, figure, budget) => console.log(`${what.padEnd(60)} ${figure.padStart(20)}   ${budget}`));
}
