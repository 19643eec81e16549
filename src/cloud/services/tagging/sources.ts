import { DescribeTableCommand, ListTablesCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { ListQueuesCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID, parseArn } from '../../aws/context.ts';
import type { CloudServices } from '../../services.ts';

/** A resource and its tags, as the Resource Groups Tagging API lists it. */
export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

/** Where one service's tagged resources in a region are found. */
export type TagSource = (region: string) => Promise<TaggedResource[]> | TaggedResource[];

const inRegion = (region: string) => (resource: TaggedResource) => parseArn(resource.arn)?.region === region;

/** What the emulators answer for a queue, table or stream that is no longer there. */
const GONE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'ResourceNotFoundException']);

/**
 * The resource `read` finds, or none when it was deleted between the listing and the read of its
 * tags (a stack being destroyed meanwhile): GetResources leaves deleted resources out, as AWS
 * does, instead of failing the whole call.
 */
async function unlessDeleted(read: () => Promise<TaggedResource>): Promise<TaggedResource[]> {
  try {
    return [await read()];
  } catch (error) {
    if (GONE.has((error as Error).name)) return [];
    throw error;
  }
}

/**
 * Every service of the local cloud that keeps tags, read through its own store or (for the
 * reused emulators) its own API. IAM is left out, as on AWS: GetResources does not list IAM
 * roles and users.
 */
export function tagSources(services: CloudServices): TagSource[] {
  return [
    (region) => [...services.sns.store.topics.values()].map((t) => ({ arn: t.arn, tags: t.tags })).filter(inRegion(region)),
    (region) => [...services.lambda.functions.values()].map((f) => ({ arn: f.arn, tags: f.tags })).filter(inRegion(region)),
    (region) =>
      [...services.eventSourceMappings.mappings.values()]
        .map((m) => ({
          arn: `arn:aws:lambda:${parseArn(m.functionArn)?.region}:${LOCAL_ACCOUNT_ID}:event-source-mapping:${m.uuid}`,
          tags: m.tags ?? {},
        }))
        .filter(inRegion(region)),
    (region) => [...services.stepFunctions.machines.values()].map((m) => ({ arn: m.arn, tags: m.tags })).filter(inRegion(region)),
    (region) => [...services.eventBridge.rules.values()].map((r) => ({ arn: r.arn, tags: r.tags ?? {} })).filter(inRegion(region)),
    (region) => [...services.eventBridge.buses.values()].map((b) => ({ arn: b.arn, tags: b.tags ?? {} })).filter(inRegion(region)),
    (region) => [...services.logs.groups.values()].map((g) => ({ arn: g.arn, tags: g.tags })).filter(inRegion(region)),
    (region) => [...services.ecr.repositories.values()].map((r) => ({ arn: r.arn, tags: r.tags })).filter(inRegion(region)),
    (region) =>
      [...services.apigateway.apis.values()].flatMap((api) => [
        { arn: `arn:aws:apigateway:${region}::/restapis/${api.id}`, tags: api.tags },
        ...[...api.stages.values()].map((stage) => ({
          arn: `arn:aws:apigateway:${region}::/restapis/${api.id}/stages/${stage.name}`,
          tags: stage.tags ?? {},
        })),
      ]),
    // fauxqs keeps buckets without a region: they are listed in every region.
    () => [...services.s3Buckets.tags].map(([bucket, tags]) => ({ arn: `arn:aws:s3:::${bucket}`, tags })),
    async (region) => {
      const sqs = services.sqsIn(region);
      const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
      const found = await Promise.all(
        QueueUrls.map((QueueUrl) =>
          unlessDeleted(async () => ({
            arn: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${QueueUrl.slice(QueueUrl.lastIndexOf('/') + 1)}`,
            tags: (await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags ?? {},
          })),
        ),
      );
      return found.flat();
    },
    async () => {
      const { TableNames = [] } = await services.dynamodb.send(new ListTablesCommand({}));
      const found = await Promise.all(
        TableNames.map((TableName) =>
          unlessDeleted(async () => {
            const arn = (await services.dynamodb.send(new DescribeTableCommand({ TableName }))).Table!.TableArn!;
            const { Tags = [] } = await services.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
            return { arn, tags: Object.fromEntries(Tags.map((t) => [t.Key!, t.Value!])) };
          }),
        ),
      );
      return found.flat();
    },
    async (region) => {
      const kinesis = services.kinesisIn(region);
      const { StreamNames = [] } = await kinesis.send(new ListStreamsCommand({}));
      const found = await Promise.all(
        StreamNames.map((StreamName) =>
          unlessDeleted(async () => {
            const { Tags = [] } = await kinesis.send(new ListTagsForStreamCommand({ StreamName }));
            return {
              arn: `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${StreamName}`,
              tags: Object.fromEntries(Tags.map((t) => [t.Key!, t.Value ?? ''])),
            };
          }),
        ),
      );
      return found.flat();
    },
  ];
}
