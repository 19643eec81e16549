import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { AwsError } from '../../../aws/errors.ts';
import { type ResourceProvider, tagList } from './provider.ts';

/** AWS::DynamoDB::Table, created in dynalite through the DynamoDB API. dynalite has no Streams. */
export const dynamodbTable: ResourceProvider = {
  properties: [
    'TableName',
    'KeySchema',
    'AttributeDefinitions',
    'BillingMode',
    'ProvisionedThroughput',
    'GlobalSecondaryIndexes',
    'LocalSecondaryIndexes',
    'TimeToLiveSpecification',
    'Tags',
    'PointInTimeRecoverySpecification',
    'SSESpecification',
    'DeletionProtectionEnabled',
    'StreamSpecification',
    'TableClass',
  ],
  replaceOn: ['TableName', 'KeySchema', 'LocalSecondaryIndexes'],
  async create(props, context) {
    if (props.StreamSpecification) {
      throw new AwsError(
        'ValidationError',
        'The local cloud has no DynamoDB Streams (dynalite does not implement them): StreamSpecification is not supported.',
      );
    }
    if (String(props.DeletionProtectionEnabled) === 'true')
      throw new AwsError(
        'ValidationError',
        'DeletionProtectionEnabled would keep the table after destroy; the workshop removes everything it creates.',
      );
    const TableName = props.TableName ?? context.generateName(255);
    const provisioned = props.BillingMode === 'PROVISIONED' || (props.BillingMode === undefined && props.ProvisionedThroughput);
    const throughput = (p: any) =>
      p ? { ReadCapacityUnits: Number(p.ReadCapacityUnits), WriteCapacityUnits: Number(p.WriteCapacityUnits) } : undefined;
    const { TableDescription } = await context.services.dynamodb.send(
      new CreateTableCommand({
        TableName,
        KeySchema: props.KeySchema,
        AttributeDefinitions: props.AttributeDefinitions,
        BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
        ProvisionedThroughput: provisioned ? throughput(props.ProvisionedThroughput) : undefined,
        GlobalSecondaryIndexes: props.GlobalSecondaryIndexes?.map((g: any) => ({
          ...g,
          ProvisionedThroughput: provisioned ? throughput(g.ProvisionedThroughput) : undefined,
        })),
        LocalSecondaryIndexes: props.LocalSecondaryIndexes,
      }),
    );
    const arn = TableDescription!.TableArn!;
    const tags = Object.entries({ ...context.tags, ...tagList(props.Tags) }).map(([Key, Value]) => ({ Key, Value }));
    if (tags.length > 0)
      await context.services.dynamodb
        .send(new TagResourceCommand({ ResourceArn: arn, Tags: tags.filter((t) => !t.Key.startsWith('aws:')) }))
        .catch(() => undefined);
    if (props.TimeToLiveSpecification) {
      await context.services.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: {
            AttributeName: props.TimeToLiveSpecification.AttributeName,
            Enabled: String(props.TimeToLiveSpecification.Enabled) === 'true',
          },
        }),
      );
    }
    return { physicalId: TableName, attributes: { Arn: arn } };
  },
  async update(current, props, previous, context) {
    if (JSON.stringify(props.StreamSpecification) !== JSON.stringify(previous.StreamSpecification)) {
      throw new AwsError('ValidationError', 'The local cloud has no DynamoDB Streams: StreamSpecification is not supported.');
    }
    if (JSON.stringify(props.GlobalSecondaryIndexes) !== JSON.stringify(previous.GlobalSecondaryIndexes)) {
      throw new AwsError(
        'ValidationError',
        'The local cloud cannot change the global secondary indexes of an existing table; destroy and deploy again.',
      );
    }
    if (
      props.BillingMode !== previous.BillingMode ||
      JSON.stringify(props.ProvisionedThroughput) !== JSON.stringify(previous.ProvisionedThroughput)
    ) {
      await context.services.dynamodb.send(
        new UpdateTableCommand({
          TableName: current.physicalId,
          BillingMode: props.BillingMode ?? 'PROVISIONED',
          ProvisionedThroughput: props.ProvisionedThroughput,
        }),
      );
    }
    const { Table } = await context.services.dynamodb.send(new DescribeTableCommand({ TableName: current.physicalId }));
    return { physicalId: current.physicalId, attributes: { Arn: Table!.TableArn } };
  },
  async delete(current, _props, context) {
    try {
      await context.services.dynamodb.send(new DeleteTableCommand({ TableName: current.physicalId }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  },
};
