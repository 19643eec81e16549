import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { AwsError } from '../../../aws/errors.ts';
import { type ResourceProvider, tagList } from './provider.ts';

/** AWS::Kinesis::Stream (provisioned shards), in kinesalite through the Kinesis API. */
export const kinesisStream: ResourceProvider = {
  properties: ['Name', 'ShardCount', 'RetentionPeriodHours', 'StreamModeDetails', 'StreamEncryption', 'Tags'],
  // AWS: only Name replaces; ShardCount, retention and mode update in place.
  replaceOn: ['Name'],
  async create(props, context) {
    if (props.StreamModeDetails?.StreamMode === 'ON_DEMAND')
      throw new AwsError('ValidationError', 'The local cloud runs provisioned streams: give ShardCount and StreamMode PROVISIONED.');
    if (props.StreamEncryption)
      throw new AwsError('ValidationError', 'The local cloud does not encrypt streams: StreamEncryption is not supported.');
    const kinesis = context.services.kinesisIn(context.region);
    const StreamName = props.Name ?? context.generateName(128);
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: Number(props.ShardCount ?? 1) }));
    if (props.RetentionPeriodHours && Number(props.RetentionPeriodHours) > 24) {
      await kinesis.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: Number(props.RetentionPeriodHours) }),
      );
    }
    const tags = Object.fromEntries(Object.entries({ ...context.tags, ...tagList(props.Tags) }).filter(([k]) => !k.startsWith('aws:')));
    if (Object.keys(tags).length > 0) await kinesis.send(new AddTagsToStreamCommand({ StreamName, Tags: tags }));
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
    return { physicalId: StreamName, attributes: { Arn: StreamDescriptionSummary!.StreamARN } };
  },
  async update(current, props, previous, context) {
    if (Number(props.ShardCount ?? 1) !== Number(previous.ShardCount ?? 1)) {
      // kinesalite has no UpdateShardCount; replacing the stream instead would lose its records.
      throw new AwsError(
        'ValidationError',
        'The local cloud cannot reshard an existing stream (UpdateShardCount): ShardCount cannot change; destroy and deploy again.',
      );
    }
    if (props.StreamModeDetails?.StreamMode === 'ON_DEMAND')
      throw new AwsError('ValidationError', 'The local cloud runs provisioned streams: give ShardCount and StreamMode PROVISIONED.');
    if (props.StreamEncryption)
      throw new AwsError('ValidationError', 'The local cloud does not encrypt streams: StreamEncryption is not supported.');
    const kinesis = context.services.kinesisIn(context.region);
    const hours = Number(props.RetentionPeriodHours ?? 24);
    const before = Number(previous.RetentionPeriodHours ?? 24);
    if (hours > before)
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: current.physicalId, RetentionPeriodHours: hours }));
    if (hours < before)
      await kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: current.physicalId, RetentionPeriodHours: hours }));
    return current;
  },
  async delete(current, _props, context) {
    const kinesis = context.services.kinesisIn(context.region);
    try {
      await kinesis.send(new DeleteStreamCommand({ StreamName: current.physicalId }));
      // Kinesis deletes in the background (DELETING); CloudFormation reports DELETE_COMPLETE only
      // once the stream is gone, so a destroy that returns leaves nothing listed.
      for (;;) {
        await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: current.physicalId }));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  },
};
