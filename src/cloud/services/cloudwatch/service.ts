import type { ActivityStream } from '../../activity/stream.ts';
import { type ActionTable, arn, type RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { Delivery, Principal } from '../../delivery/delivery.ts';
import { metricsOf } from './activity-metrics.ts';
import { evaluateExpression, type TimeSeries } from './metric-math.ts';
import { MetricStore, STATISTICS, type Statistic } from './metric-store.ts';
import { SqsMetrics } from './sqs-metrics.ts';

// LIMITATIONS: metrics the labs chart (Lambda, SNS, EventBridge counters from the cloud's event
// stream; SQS counters and gauges, see sqs-metrics.ts) plus PutMetricData; MetricStat queries and
// the metric math of metric-math.ts (arithmetic, METRICS(), SUM/AVG/MIN/MAX); threshold alarms on
// one metric with SNS actions; tags on alarms (the only CloudWatch resource AWS tags).

interface Alarm {
  name: string;
  arn: string;
  description?: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: Statistic;
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: string;
  treatMissingData: string;
  alarmActions: string[];
  okActions: string[];
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason: string;
  stateUpdated: Date;
  tags: Record<string, string>;
}

const tagRecord = (list: { Key: string; Value: string }[] | undefined) => Object.fromEntries((list ?? []).map((t) => [t.Key, t.Value]));
const dims = (list: { Name: string; Value: string }[] | undefined) => Object.fromEntries((list ?? []).map((d) => [d.Name, d.Value]));
const dimList = (record: Record<string, string>) => Object.entries(record).map(([Name, Value]) => ({ Name, Value }));
const seconds = (value: unknown) =>
  value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value));

/**
 * Alarms publish their actions for the account that owns the alarm and the topic, which the
 * default topic policy allows (its AWS:SourceOwner condition); the local cloud does not model
 * that condition, so it does not check the topic policy for alarm actions.
 */
const alarmPrincipal = (alarmArn: string): Principal => ({
  service: 'cloudwatch.amazonaws.com',
  sourceArn: alarmArn,
  authority: { unchecked: 'alarm actions publish as the owning account' },
});

const COMPARE: Record<string, (v: number, t: number) => boolean> = {
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  GreaterThanThreshold: (v, t) => v > t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

/** Amazon CloudWatch metrics and alarms, fed by what moves through the local cloud. */
export class CloudWatchService {
  readonly metrics = new MetricStore();
  readonly alarms = new Map<string, Alarm>();
  /** The AWS/SQS metrics; the cloud feeds it from fauxqs and the gateway. */
  readonly sqs = new SqsMetrics(this.metrics);

  constructor(
    private readonly activity: ActivityStream,
    private readonly delivery: Delivery,
  ) {
    activity.subscribe((a) => {
      for (const d of metricsOf(a)) this.metrics.add(d.namespace, d.metric, d.dimensions, d.value, a.time, d.unit);
    });
  }

  readonly actions: ActionTable = {
    PutMetricData: (input) => {
      const namespace = String(input.Namespace ?? '');
      if (!namespace || namespace.startsWith('AWS/'))
        throw new AwsError('InvalidParameterValue', 'The value AWS/ for parameter Namespace is invalid: it is reserved for AWS services.');
      for (const datum of input.MetricData ?? []) {
        const values: number[] = datum.Values ?? (datum.Value !== undefined ? [datum.Value] : []);
        for (const value of values)
          this.metrics.add(
            namespace,
            datum.MetricName,
            dims(datum.Dimensions),
            value,
            datum.Timestamp ? seconds(datum.Timestamp) : Date.now(),
            datum.Unit,
          );
      }
      return {};
    },
    ListMetrics: (input) => ({
      Metrics: this.metrics
        .list({ namespace: input.Namespace, name: input.MetricName, dimensions: input.Dimensions })
        .map((s) => ({ Namespace: s.namespace, MetricName: s.name, Dimensions: dimList(s.dimensions) })),
    }),
    GetMetricData: (input) => this.metricData(input),
    GetMetricStatistics: (input) => ({
      Label: input.MetricName,
      Datapoints:
        (input.Statistics ?? []).length === 0
          ? []
          : this.metrics
              .statistics(
                input.Namespace,
                input.MetricName,
                dims(input.Dimensions),
                seconds(input.StartTime),
                seconds(input.EndTime),
                input.Period,
                'SampleCount',
              )
              .map((p) => {
                const datapoint: Record<string, unknown> = { Timestamp: new Date(p.time) };
                for (const stat of input.Statistics as Statistic[]) {
                  datapoint[stat] = this.metrics.statistics(
                    input.Namespace,
                    input.MetricName,
                    dims(input.Dimensions),
                    p.time,
                    p.time + input.Period * 1000,
                    input.Period,
                    this.statistic(stat),
                  )[0]?.value;
                }
                return datapoint;
              }),
    }),
    PutMetricAlarm: (input, context) => this.putAlarm(input, context),
    DescribeAlarms: (input) => ({
      MetricAlarms: [...this.alarms.values()]
        .filter(
          (a) =>
            (!input.AlarmNames?.length || input.AlarmNames.includes(a.name)) &&
            (!input.AlarmNamePrefix || a.name.startsWith(input.AlarmNamePrefix)) &&
            (!input.StateValue || a.state === input.StateValue),
        )
        .map((a) => ({
          AlarmName: a.name,
          AlarmArn: a.arn,
          AlarmDescription: a.description,
          Namespace: a.namespace,
          MetricName: a.metricName,
          Dimensions: dimList(a.dimensions),
          Statistic: a.statistic,
          Period: a.period,
          EvaluationPeriods: a.evaluationPeriods,
          DatapointsToAlarm: a.datapointsToAlarm,
          Threshold: a.threshold,
          ComparisonOperator: a.comparison,
          TreatMissingData: a.treatMissingData,
          AlarmActions: a.alarmActions,
          OKActions: a.okActions,
          ActionsEnabled: true,
          StateValue: a.state,
          StateReason: a.stateReason,
          StateUpdatedTimestamp: a.stateUpdated,
        })),
      CompositeAlarms: [],
    }),
    DeleteAlarms: (input) => {
      for (const name of input.AlarmNames ?? []) this.alarms.delete(name);
      return {};
    },
    TagResource: (input) => {
      Object.assign(this.alarmByArn(input.ResourceARN).tags, tagRecord(input.Tags));
      return {};
    },
    UntagResource: (input) => {
      const alarm = this.alarmByArn(input.ResourceARN);
      for (const key of input.TagKeys ?? []) delete alarm.tags[key];
      return {};
    },
    ListTagsForResource: (input) => ({
      Tags: Object.entries(this.alarmByArn(input.ResourceARN).tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  };

  /** GetMetricData: MetricStat queries, and math expressions over them (see metric-math.ts). */
  private metricData(input: any) {
    const queries: any[] = input.MetricDataQueries ?? [];
    const start = seconds(input.StartTime);
    const end = seconds(input.EndTime);
    const byId = new Map(queries.map((q) => [q.Id, q]));
    const results = new Map<string, TimeSeries>();
    const evaluating = new Set<string>();
    const resolve = (id: string): TimeSeries | undefined => {
      const q = byId.get(id);
      if (!q) return undefined;
      let series = results.get(id);
      if (series) return series;
      if (q.MetricStat) {
        const { Namespace, MetricName, Dimensions } = q.MetricStat.Metric;
        const points = this.metrics.statistics(
          Namespace,
          MetricName,
          dims(Dimensions),
          start,
          end,
          q.MetricStat.Period,
          this.statistic(q.MetricStat.Stat),
        );
        series = new Map(points.map((p) => [p.time, p.value]));
      } else if (q.Expression) {
        if (evaluating.has(id))
          throw new AwsError('ValidationError', `Error in expression ${id}: it refers to itself through other expressions.`);
        evaluating.add(id);
        series = evaluateExpression(id, String(q.Expression), {
          series: resolve,
          metrics: (text) => queries.filter((m) => m.MetricStat && String(m.Id).includes(text)).map((m) => resolve(m.Id)!),
        });
        evaluating.delete(id);
      } else throw new AwsError('ValidationError', `Query ${id} needs a MetricStat or an Expression.`);
      results.set(id, series);
      return series;
    };
    return {
      MetricDataResults: queries
        .filter((q) => q.ReturnData !== false)
        .map((q) => {
          // A division by zero gives no datapoint (JSON could not carry NaN or Infinity anyway).
          const points = [...resolve(q.Id)!].filter(([, value]) => Number.isFinite(value)).sort(([a], [b]) => b - a);
          return {
            Id: q.Id,
            Label: q.Label ?? q.MetricStat?.Metric.MetricName ?? q.Id,
            Timestamps: points.map(([time]) => new Date(time)),
            Values: points.map(([, value]) => value),
            StatusCode: 'Complete',
          };
        }),
      Messages: [],
    };
  }

  private alarmByArn(resourceArn: unknown): Alarm {
    const alarm = [...this.alarms.values()].find((a) => a.arn === resourceArn);
    if (!alarm)
      throw new AwsError(
        'ResourceNotFoundException',
        `The alarm ${String(resourceArn)} does not exist (the local cloud tags alarms only).`,
      );
    return alarm;
  }

  private statistic(value: unknown): Statistic {
    if (!STATISTICS.includes(value as Statistic))
      throw new AwsError(
        'InvalidParameterValue',
        `The local cloud computes ${STATISTICS.join(', ')}; statistic ${String(value)} is not supported.`,
      );
    return value as Statistic;
  }

  private putAlarm(input: any, context: RequestContext) {
    if (input.Metrics)
      throw new AwsError('InvalidParameterValue', 'The local cloud alarms on one metric; metric math alarms (Metrics) are not supported.');
    if (!COMPARE[input.ComparisonOperator])
      throw new AwsError(
        'InvalidParameterValue',
        `ComparisonOperator ${input.ComparisonOperator} is not supported locally (anomaly detection bands are not).`,
      );
    for (const action of [...(input.AlarmActions ?? []), ...(input.OKActions ?? []), ...(input.InsufficientDataActions ?? [])]) {
      if (!String(action).startsWith('arn:aws:sns:'))
        throw new AwsError('InvalidParameterValue', `The local cloud sends alarm actions to SNS topics only; ${action} is not supported.`);
    }
    const existing = this.alarms.get(input.AlarmName);
    const alarm: Alarm = {
      name: input.AlarmName,
      arn: arn('cloudwatch', context, `alarm:${input.AlarmName}`),
      description: input.AlarmDescription,
      namespace: input.Namespace,
      metricName: input.MetricName,
      dimensions: dims(input.Dimensions),
      statistic: this.statistic(input.Statistic ?? 'Average'),
      period: input.Period ?? 60,
      evaluationPeriods: input.EvaluationPeriods ?? 1,
      datapointsToAlarm: input.DatapointsToAlarm ?? input.EvaluationPeriods ?? 1,
      threshold: input.Threshold,
      comparison: input.ComparisonOperator,
      treatMissingData: input.TreatMissingData ?? 'missing',
      alarmActions: input.AlarmActions ?? [],
      okActions: input.OKActions ?? [],
      state: existing?.state ?? 'INSUFFICIENT_DATA',
      stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
      stateUpdated: existing?.stateUpdated ?? new Date(),
      // As on AWS, Tags apply when the alarm is created; an update keeps the alarm's tags.
      tags: existing?.tags ?? tagRecord(input.Tags),
    };
    this.alarms.set(alarm.name, alarm);
    void this.evaluate(alarm);
    return {};
  }

  /** Evaluates every alarm against its metric now (the cloud calls this every few seconds). */
  async evaluateAll(): Promise<void> {
    for (const alarm of this.alarms.values()) await this.evaluate(alarm);
  }

  private async evaluate(alarm: Alarm): Promise<void> {
    const now = Date.now();
    const span = alarm.period * alarm.evaluationPeriods * 1000;
    const points = this.metrics.statistics(
      alarm.namespace,
      alarm.metricName,
      alarm.dimensions,
      now - span,
      now + 1,
      alarm.period,
      alarm.statistic,
    );
    const breaching = points.filter((p) => COMPARE[alarm.comparison](p.value, alarm.threshold)).length;
    const missing = alarm.evaluationPeriods - points.length;
    let next: Alarm['state'];
    if (points.length === 0)
      next =
        alarm.treatMissingData === 'breaching'
          ? 'ALARM'
          : alarm.treatMissingData === 'notBreaching'
            ? 'OK'
            : alarm.treatMissingData === 'ignore'
              ? alarm.state
              : 'INSUFFICIENT_DATA';
    else next = breaching + (alarm.treatMissingData === 'breaching' ? missing : 0) >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
    if (next === alarm.state) return;
    const previous = alarm.state;
    alarm.state = next;
    alarm.stateUpdated = new Date();
    alarm.stateReason = `Threshold Crossed: ${breaching} out of the last ${alarm.evaluationPeriods} datapoints ${next === 'ALARM' ? 'were' : 'were not'} ${alarm.comparison
      .replace(/Threshold$/, '')
      .replace(/([A-Z])/g, ' $1')
      .trim()
      .toLowerCase()} the threshold (${alarm.threshold}).`;
    this.activity.emit('cloudwatch.alarm-state-changed', alarm.arn, { from: previous, to: next, reason: alarm.stateReason });
    const actions = next === 'ALARM' ? alarm.alarmActions : next === 'OK' ? alarm.okActions : [];
    const message = JSON.stringify({
      AlarmName: alarm.name,
      AlarmArn: alarm.arn,
      NewStateValue: next,
      OldStateValue: previous,
      NewStateReason: alarm.stateReason,
      StateChangeTime: alarm.stateUpdated.toISOString(),
      Trigger: { MetricName: alarm.metricName, Namespace: alarm.namespace, Statistic: alarm.statistic, Threshold: alarm.threshold },
    });
    for (const topic of actions) {
      await this.delivery.publishToTopic(topic, { message }, alarmPrincipal(alarm.arn)).catch((error: Error) => {
        this.activity.emit('cloudwatch.alarm-action-failed', alarm.arn, { topicArn: topic, reason: error.message });
      });
    }
  }
}
