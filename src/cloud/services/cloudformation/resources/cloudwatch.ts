import { type ProviderContext, type ResourceProvider, tagList } from './provider.ts';

/** The stack's tags and the alarm's own, as TagResource takes them. */
const tagsOf = (props: Record<string, any>, context: ProviderContext) =>
  Object.entries({ ...context.tags, ...tagList(props.Tags) })
    .filter(([key]) => !key.startsWith('aws:'))
    .map(([Key, Value]) => ({ Key, Value }));

/** AWS::CloudWatch::Alarm (a threshold on one metric, SNS actions). */
export const cloudWatchAlarm: ResourceProvider = {
  properties: [
    'AlarmName',
    'AlarmDescription',
    'Namespace',
    'MetricName',
    'Dimensions',
    'Statistic',
    'Period',
    'EvaluationPeriods',
    'DatapointsToAlarm',
    'Threshold',
    'ComparisonOperator',
    'TreatMissingData',
    'AlarmActions',
    'OKActions',
    'ActionsEnabled',
    'Unit',
    'Metrics',
    'Tags',
  ],
  replaceOn: ['AlarmName'],
  async create(props, context) {
    const AlarmName = props.AlarmName ?? context.generateName(255);
    const number = (value: unknown) => (value === undefined ? undefined : Number(value));
    await context.services.cloudWatch.actions.PutMetricAlarm(
      {
        AlarmName,
        AlarmDescription: props.AlarmDescription,
        Namespace: props.Namespace,
        MetricName: props.MetricName,
        Dimensions: props.Dimensions,
        Statistic: props.Statistic,
        Period: number(props.Period),
        EvaluationPeriods: number(props.EvaluationPeriods),
        DatapointsToAlarm: number(props.DatapointsToAlarm),
        Threshold: number(props.Threshold),
        ComparisonOperator: props.ComparisonOperator,
        TreatMissingData: props.TreatMissingData,
        AlarmActions: String(props.ActionsEnabled) === 'false' ? [] : props.AlarmActions,
        OKActions: String(props.ActionsEnabled) === 'false' ? [] : props.OKActions,
        Metrics: props.Metrics,
        Tags: tagsOf(props, context),
      },
      context,
    );
    const alarm = context.services.cloudWatch.alarms.get(AlarmName)!;
    return { physicalId: AlarmName, attributes: { Arn: alarm.arn } };
  },
  async update(current, props, previous, context) {
    await cloudWatchAlarm.create({ ...props, AlarmName: current.physicalId }, context);
    // PutMetricAlarm leaves an existing alarm's tags alone: tags changed in the template are set here.
    const { cloudWatch } = context.services;
    const ResourceARN = cloudWatch.alarms.get(current.physicalId)!.arn;
    const tags = tagsOf(props, context);
    const removed = Object.keys(tagList(previous.Tags)).filter((key) => !tags.some((t) => t.Key === key));
    if (removed.length > 0) await cloudWatch.actions.UntagResource({ ResourceARN, TagKeys: removed }, context);
    await cloudWatch.actions.TagResource({ ResourceARN, Tags: tags }, context);
    return current;
  },
  async delete(current, _props, context) {
    context.services.cloudWatch.alarms.delete(current.physicalId);
  },
};
