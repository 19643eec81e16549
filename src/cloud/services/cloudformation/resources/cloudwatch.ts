import type { ResourceProvider } from './provider.ts';

/** AWS::CloudWatch::Alarm (a threshold on one metric, SNS actions). */
export const cloudWatchAlarm: ResourceProvider = {
  properties: ['AlarmName', 'AlarmDescription', 'Namespace', 'MetricName', 'Dimensions', 'Statistic', 'Period', 'EvaluationPeriods', 'DatapointsToAlarm', 'Threshold', 'ComparisonOperator', 'TreatMissingData', 'AlarmActions', 'OKActions', 'ActionsEnabled', 'Unit', 'Metrics'],
  replaceOn: ['AlarmName'],
  async create(props, context) {
    const AlarmName = props.AlarmName ?? context.generateName(255);
    const number = (value: unknown) => (value === undefined ? undefined : Number(value));
    await context.services.cloudWatch.actions.PutMetricAlarm(
      {
        AlarmName,
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
      },
      context,
    );
    const alarm = context.services.cloudWatch.alarms.get(AlarmName)!;
    return { physicalId: AlarmName, attributes: { Arn: alarm.arn } };
  },
  async update(current, props, _previous, context) {
    await cloudWatchAlarm.create({ ...props, AlarmName: current.physicalId }, context);
    return current;
  },
  async delete(current, _props, context) {
    context.services.cloudWatch.alarms.delete(current.physicalId);
  },
};
