import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startCloud } from '../../cloud.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
before(async () => {
  cloud = await startTestCloud();
});
after(() => cloud.stop());

test('the Kinesis SDK client works through the endpoint unconfigured (it speaks HTTP/2 cleartext)', async () => {
  const kinesis = new KinesisClient(clientConfig(cloud.target));
  const StreamName = uniqueName('telemetry');
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  assert.equal((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary?.StreamStatus, 'ACTIVE');
  const pings = ['unicorn-1@52.52,13.40', 'unicorn-1@52.53,13.41', 'unicorn-2@50.11,8.68'];
  const { Records: put = [], FailedRecordCount } = await kinesis.send(
    new PutRecordsCommand({
      StreamName,
      Records: pings.map((p) => ({ PartitionKey: p.split('@')[0], Data: new TextEncoder().encode(p) })),
    }),
  );
  assert.equal(FailedRecordCount, 0);
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({ StreamName, ShardId: put[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  assert.deepEqual(
    Records.map((r) => new TextDecoder().decode(r.Data)),
    pings,
    'records come back in order',
  );
});

test('records put through the endpoint are told on the activity stream (what wakes the stream readers)', async () => {
  const kinesis = new KinesisClient(clientConfig(cloud.target));
  const StreamName = uniqueName('pings');
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
  const seen: { resource: string; records: number }[] = [];
  const stop = cloud.services.activity.subscribe((event) => {
    if (event.service === 'kinesis' && event.type === 'records-put') seen.push({ resource: event.resource, records: event.detail.records });
  });
  try {
    await kinesis.send(new PutRecordCommand({ StreamName, PartitionKey: 'u1', Data: new TextEncoder().encode('one') }));
    await kinesis.send(
      new PutRecordsCommand({
        StreamARN: StreamDescriptionSummary?.StreamARN,
        Records: ['a', 'b', 'c'].map((d) => ({ PartitionKey: d, Data: new TextEncoder().encode(d) })),
      }),
    );
    await assert.rejects(
      kinesis.send(new PutRecordCommand({ StreamName: `${StreamName}-missing`, PartitionKey: 'x', Data: new Uint8Array(1) })),
    );
  } finally {
    stop();
  }
  assert.deepEqual(seen, [
    { resource: StreamDescriptionSummary?.StreamARN, records: 1 },
    { resource: StreamDescriptionSummary?.StreamARN, records: 3 },
  ]);
});

test('streams, shards and records keep their sequence numbers across a restart; reset empties them', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-kinesis-'));
  const kinesisAt = (endpoint: string) => new KinesisClient(clientConfig({ kind: 'local', endpoint, region: 'us-east-1', prefix: 'k' }));
  const readAll = async (kinesis: KinesisClient, StreamName: string) => {
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName }));
    const records: [string, string, string][] = [];
    for (const { ShardId } of StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      for (const r of (await kinesis.send(new GetRecordsCommand({ ShardIterator }))).Records ?? [])
        records.push([ShardId!, r.SequenceNumber!, new TextDecoder().decode(r.Data)]);
    }
    return { status: StreamDescription?.StreamStatus, shards: StreamDescription?.Shards?.map((shard) => shard.ShardId), records };
  };
  const StreamName = 'kept-telemetry';
  let cloud = await startCloud({ port: 0, dataDir });
  try {
    let kinesis = kinesisAt(cloud.endpoint);
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
    await kinesis.send(
      new PutRecordsCommand({
        StreamName,
        Records: ['unicorn-1', 'unicorn-2', 'unicorn-3', 'unicorn-4'].map((PartitionKey, i) => ({
          PartitionKey,
          Data: new TextEncoder().encode(`ping-${i}`),
        })),
      }),
    );
    const before = await readAll(kinesis, StreamName);
    assert.equal(before.records.length, 4);
    await cloud.stop();

    cloud = await startCloud({ port: 0, dataDir });
    kinesis = kinesisAt(cloud.endpoint);
    assert.deepEqual(await readAll(kinesis, StreamName), before, 'the same stream, shards, records and sequence numbers');
    const { ShardId, SequenceNumber } = await kinesis.send(
      new PutRecordCommand({ StreamName, PartitionKey: 'unicorn-1', Data: new TextEncoder().encode('after restart') }),
    );
    const last = before.records.filter(([shard]) => shard === ShardId).at(-1)![1];
    assert.ok(BigInt(SequenceNumber!) > BigInt(last), "new records continue the shard's sequence");

    await cloud.reset();
    assert.deepEqual((await kinesis.send(new ListStreamsCommand({}))).StreamNames, []);
    await cloud.stop();
    cloud = await startCloud({ port: 0, dataDir });
    assert.deepEqual(
      (await kinesisAt(cloud.endpoint).send(new ListStreamsCommand({}))).StreamNames,
      [],
      'a reset stays reset after a restart',
    );
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('stream tags may hold a colon, as on AWS (every workshop tag has one); other characters are still refused', async () => {
  const kinesis = new KinesisClient(clientConfig(cloud.target));
  const StreamName = uniqueName('tagged');
  await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  await kinesis.send(new AddTagsToStreamCommand({ StreamName, Tags: { 'workshop:lab': 'lab-5', owner: 'ops@wildrydes.com' } }));
  const { Tags = [] } = await kinesis.send(new ListTagsForStreamCommand({ StreamName }));
  assert.deepEqual(Object.fromEntries(Tags.map((t) => [t.Key, t.Value])), { 'workshop:lab': 'lab-5', owner: 'ops@wildrydes.com' });
  await assert.rejects(
    kinesis.send(new AddTagsToStreamCommand({ StreamName, Tags: { 'cost#center': '42' } })),
    (error: Error) => error.name === 'InvalidArgumentException' && /invalid characters/.test(error.message),
  );
  // Up to 10 tags a call, 50 a stream: 2 + 48 fit, one more does not.
  for (let i = 0; i < 48; i += 10)
    await kinesis.send(
      new AddTagsToStreamCommand({
        StreamName,
        Tags: Object.fromEntries(Array.from({ length: Math.min(10, 48 - i) }, (_, j) => [`t${i + j}`, 'x'])),
      }),
    );
  await assert.rejects(kinesis.send(new AddTagsToStreamCommand({ StreamName, Tags: { one: 'too many' } })), /at most 50 tags/);
  await assert.rejects(
    kinesis.send(new AddTagsToStreamCommand({ StreamName: uniqueName('missing'), Tags: { a: 'b' } })),
    (error: Error) => error.name === 'ResourceNotFoundException',
  );
});
