import { AddTagsToStreamCommand, CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, IncreaseStreamRetentionPeriodCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { AwsError } from '../../../aws/errors.ts';
import { tagList, type ResourceProvider } from './provider.ts';

/** AWS::Kinesis::Stream (provisioned shards), in kinesalite through the Kinesis API. */
export const kinesisStream: ResourceProvider = {
  properties: ['Name', 'ShardCount', 'RetentionPeriodHours', 'StreamModeDetails', 'StreamEncryption', 'Tags'],
  replaceOn: ['Name', 'ShardCount'],
  async create(props, context) {
    if (props.StreamModeDetails?.StreamMode === 'ON_DEMAND') throw new AwsError('ValidationError', 'The local cloud runs provisioned streams: give ShardCount and StreamMode PROVISIONED.');
    if (props.StreamEncryption) throw new AwsError('ValidationError', 'The local cloud does not encrypt streams: StreamEncryption is not supported.');
    const kinesis = context.services.kinesisIn(context.region);
    const StreamName = props.Name ?? context.generateName(128);
    await kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: Number(props.ShardCount ?? 1) }));
    if (props.RetentionPeriodHours && Number(props.RetentionPeriodHours) > 24) {
      await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName, RetentionPeriodHours: Number(props.RetentionPeriodHours) }));
    }
    const tags = Object.fromEntries(Object.entries({ ...context.tags, ...tagList(props.Tags) }).filter(([k]) => !k.startsWith('aws:')));
    if (Object.keys(tags).length > 0) await kinesis.send(new AddTagsToStreamCommand({ StreamName, Tags: tags }));
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
    return { physicalId: StreamName, attributes: { Arn: StreamDescriptionSummary!.StreamARN } };
  },
  async update(current, props, previous, context) {
    if (Number(props.RetentionPeriodHours ?? 24) !== Number(previous.RetentionPeriodHours ?? 24)) {
      throw new AwsError('ValidationError', 'The local cloud cannot change the retention of an existing stream; destroy and deploy again.');
    }
    return current;
  },
  async delete(current, _props, context) {
    try {
      await context.services.kinesisIn(context.region).send(new DeleteStreamCommand({ StreamName: current.physicalId }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  },
};
