import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startTestCloud, uniqueName, type TestCloud } from '../../testing/test-cloud.ts';

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
  const { Records: put = [], FailedRecordCount } = await kinesis.send(new PutRecordsCommand({ StreamName, Records: pings.map((p) => ({ PartitionKey: p.split('@')[0], Data: new TextEncoder().encode(p) })) }));
  assert.equal(FailedRecordCount, 0);
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName, ShardId: put[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  assert.deepEqual(Records.map((r) => new TextDecoder().decode(r.Data)), pings, 'records come back in order');
});
