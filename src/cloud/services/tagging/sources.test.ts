import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloudServices } from '../../services.ts';
import { tagSources } from './sources.ts';

const error = (name: string) => Object.assign(new Error(`${name}: it is gone`), { name });

/**
 * A cloud whose only resources are a queue, a table and a stream that exist, and one of each that
 * was deleted after the listing: reading its tags fails as the emulators fail for it.
 */
function cloudDeletingAsItIsListed(otherFailure?: Error): CloudServices {
  const empty = { values: () => [] };
  // Each fake client answers by the command's name.
  const client = (answer: (command: string, input: any) => unknown) => ({
    send: async (command: { constructor: { name: string }; input: any }) => answer(command.constructor.name, command.input),
  });
  return {
    sns: { store: { topics: empty } },
    lambda: { functions: empty },
    eventSourceMappings: { mappings: empty },
    stepFunctions: { machines: empty },
    eventBridge: { rules: empty, buses: empty },
    logs: { groups: empty },
    ecr: { repositories: empty },
    apigateway: { apis: empty },
    s3Buckets: { tags: new Map() },
    sqsIn: () =>
      client((command, { QueueUrl }) => {
        if (command === 'ListQueuesCommand') return { QueueUrls: ['http://q/000000000000/kept', 'http://q/000000000000/deleted'] };
        if (QueueUrl.endsWith('deleted')) throw otherFailure ?? error('QueueDoesNotExist');
        return { Tags: { workshop: 'yes' } };
      }),
    dynamodb: client((command, { TableName }) => {
      if (command === 'ListTablesCommand') return { TableNames: ['kept', 'deleted'] };
      if (command === 'ListTagsOfResourceCommand') return { Tags: [{ Key: 'workshop', Value: 'yes' }] };
      if (TableName === 'deleted') throw error('ResourceNotFoundException');
      return { Table: { TableArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${TableName}` } };
    }),
    kinesisIn: () =>
      client((command, { StreamName }) => {
        if (command === 'ListStreamsCommand') return { StreamNames: ['kept', 'deleted'] };
        if (StreamName === 'deleted') throw error('ResourceNotFoundException');
        return { Tags: [{ Key: 'workshop', Value: 'yes' }] };
      }),
  } as unknown as CloudServices;
}

const listAll = async (services: CloudServices) =>
  (await Promise.all(tagSources(services).map((source) => source('us-east-1')))).flat().map((r) => r.arn);

test('a queue, table or stream deleted while GetResources reads its tags is left out, not an internal failure', async () => {
  assert.deepEqual(await listAll(cloudDeletingAsItIsListed()), [
    'arn:aws:sqs:us-east-1:000000000000:kept',
    'arn:aws:dynamodb:us-east-1:000000000000:table/kept',
    'arn:aws:kinesis:us-east-1:000000000000:stream/kept',
  ]);
});

test('any other failure to read tags still fails the call', async () => {
  await assert.rejects(listAll(cloudDeletingAsItIsListed(error('InternalError'))), /InternalError/);
});
