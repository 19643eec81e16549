import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../../labs/kit/clients.ts';
import { startTestCloud, type TestCloud, uniqueName } from '../../testing/test-cloud.ts';

let cloud: TestCloud;
let tagging: ResourceGroupsTaggingAPIClient;

before(async () => {
  cloud = await startTestCloud();
  tagging = new ResourceGroupsTaggingAPIClient(clientConfig(cloud.target));
});
after(() => cloud.stop());

/** Every ARN GetResources finds for `input`, following its pages. */
async function arnsFor(input: GetResourcesCommandInput): Promise<string[]> {
  const arns: string[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await tagging.send(new GetResourcesCommand({ ...input, PaginationToken }));
    arns.push(...page.ResourceTagMappingList!.map((r) => r.ResourceARN!));
    PaginationToken = page.PaginationToken || undefined;
  } while (PaginationToken);
  return arns.sort();
}

describe('Resource Groups Tagging API', () => {
  test('GetResources finds resources of every kind by their tags, ANDing the filters, and follows them away', async () => {
    const config = clientConfig(cloud.target);
    const team = uniqueName('team');
    const tags = (lab: string) => [
      { Key: 'team', Value: team },
      { Key: 'lab', Value: lab },
    ];
    const { TopicArn } = await new SNSClient(config).send(new CreateTopicCommand({ Name: uniqueName('topic'), Tags: tags('one') }));
    const queue = uniqueName('queue');
    await new SQSClient(config).send(
      new CreateQueueCommand({ QueueName: queue, tags: Object.fromEntries(tags('two').map((t) => [t.Key, t.Value])) }),
    );
    const table = uniqueName('table');
    const dynamodb = new DynamoDBClient(config);
    const { TableDescription } = await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // (dynalite keeps the tags of TagResource, not those given to CreateTable.)
    await dynamodb.send(new TagResourceCommand({ ResourceArn: TableDescription!.TableArn, Tags: tags('one') }));
    const bucket = uniqueName('bucket');
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags('two') } }));
    // GetResources does not list IAM roles, as on AWS.
    await new IAMClient(config).send(
      new CreateRoleCommand({ RoleName: uniqueName('role'), AssumeRolePolicyDocument: '{"Statement":[]}', Tags: tags('one') }),
    );

    const topicArn = TopicArn!;
    const queueArn = `arn:aws:sqs:us-east-1:000000000000:${queue}`;
    const tableArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
    const bucketArn = `arn:aws:s3:::${bucket}`;
    assert.deepEqual(await arnsFor({ TagFilters: [{ Key: 'team', Values: [team] }] }), [tableArn, bucketArn, topicArn, queueArn].sort());
    assert.deepEqual(
      await arnsFor({
        TagFilters: [
          { Key: 'team', Values: [team] },
          { Key: 'lab', Values: ['one'] },
        ],
      }),
      [tableArn, topicArn].sort(),
    );
    assert.deepEqual(
      await arnsFor({ TagFilters: [{ Key: 'team', Values: [team] }], ResourceTypeFilters: ['sqs', 'dynamodb:table'] }),
      [tableArn, queueArn].sort(),
    );
    assert.deepEqual(
      await arnsFor({ TagFilters: [{ Key: 'team', Values: [team] }], ResourcesPerPage: 1 }),
      [tableArn, bucketArn, topicArn, queueArn].sort(),
      'one per page, all pages',
    );
    const [mapping] = (await tagging.send(new GetResourcesCommand({ ResourceARNList: [topicArn] }))).ResourceTagMappingList!;
    assert.deepEqual(mapping.Tags, tags('one'));

    await new SNSClient(config).send(new DeleteTopicCommand({ TopicArn }));
    assert.deepEqual(
      await arnsFor({
        TagFilters: [
          { Key: 'lab', Values: ['one'] },
          { Key: 'team', Values: [team] },
        ],
      }),
      [tableArn],
    );
    await assert.rejects(tagging.send(new GetResourcesCommand({ ResourcesPerPage: 500 })), { name: 'InvalidParameterException' });
  });
});
