import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { clientFor } from '../../labs/kit/clients.ts';
import type { Target } from '../../labs/kit/target.ts';
import { EngineError } from './events.ts';

/** One line of a chart: a metric of a resource the lab's stack names in one of its outputs. */
export interface MetricSeriesRequest {
  /** The metric, e.g. ApproximateNumberOfMessagesVisible. */
  metric: string;
  /** Its namespace; AWS/SQS when absent. */
  namespace?: string;
  /**
   * The stack output naming the resource: a queue URL or ARN, a function name, a topic ARN… With
   * several outputs, or an output that lists several names separated by commas, the line is the
   * sum of the metric over all of them (one line for ten providers' invocations).
   */
  output: string | string[];
  /** How datapoints of a period combine; Maximum when absent. */
  stat?: 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount';
  /** The line's name in the legend; the output and metric when absent. */
  label?: string;
}

export interface MetricsRequest {
  series: MetricSeriesRequest[];
  /** Seconds per datapoint (on AWS at least 60: its service metrics have one-minute resolution). */
  periodSeconds?: number;
  /** How far back the chart reaches. */
  minutes?: number;
}

export interface MetricSeries {
  label: string;
  /** Epoch milliseconds, oldest first, with `values` beside them. */
  timestamps: number[];
  values: number[];
  /** Why the line is empty: its output is not deployed yet, say. */
  missing?: string;
}

export interface MetricsAnswer {
  /** The period used, which on AWS may be longer than the one asked for. */
  periodSeconds: number;
  series: MetricSeries[];
}

const lastPart = (value: string, separator: string) => value.slice(value.lastIndexOf(separator) + 1);

/** The dimension CloudWatch files a namespace's metrics under, from the value of a stack output. */
const DIMENSIONS: Record<string, (value: string) => { Name: string; Value: string }> = {
  'AWS/SQS': (v) => ({ Name: 'QueueName', Value: v.startsWith('arn:') ? lastPart(v, ':') : lastPart(v, '/') }),
  'AWS/Lambda': (v) => ({ Name: 'FunctionName', Value: v.startsWith('arn:') ? v.split(':')[6] : v }),
  'AWS/SNS': (v) => ({ Name: 'TopicName', Value: lastPart(v, ':') }),
  'AWS/Events': (v) => ({ Name: 'RuleName', Value: lastPart(v, '/') }),
  'AWS/States': (v) => ({ Name: 'StateMachineArn', Value: v }),
  'AWS/Kinesis': (v) => ({ Name: 'StreamName', Value: lastPart(v, '/') }),
  'AWS/DynamoDB': (v) => ({ Name: 'TableName', Value: lastPart(v, '/') }),
};

const STATS = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'];

/**
 * Reads metrics of a lab's resources with one GetMetricData call, as a chart needs them. The same
 * call works on AWS, where the metrics are AWS's own (one datapoint a minute for SQS queues).
 */
export async function labMetrics(
  target: Target,
  request: MetricsRequest,
  stackOutputs: () => Promise<Record<string, string>>,
): Promise<MetricsAnswer> {
  const series = request.series ?? [];
  if (!Array.isArray(series) || series.length === 0 || series.length > 20) throw new EngineError('BadMetrics', 'Ask for 1 to 20 series.');
  const asked = Math.round(Number(request.periodSeconds ?? 10));
  if (!(asked >= 1 && asked <= 3600)) throw new EngineError('BadMetrics', 'periodSeconds must be between 1 and 3600.');
  // AWS's service metrics come a minute apart: a shorter period only gives gaps.
  const periodSeconds = target.kind === 'aws' ? Math.max(60, Math.ceil(asked / 60) * 60) : asked;
  const minutes = Number(request.minutes ?? 10);
  if (!(minutes >= 1 && minutes <= 180)) throw new EngineError('BadMetrics', 'minutes must be between 1 and 180.');

  for (const s of series) {
    if (!DIMENSIONS[s.namespace ?? 'AWS/SQS'])
      throw new EngineError('BadMetrics', `Charts read metrics of ${Object.keys(DIMENSIONS).join(', ')}; not of ${s.namespace}.`);
    if (!STATS.includes(s.stat ?? 'Maximum')) throw new EngineError('BadMetrics', `stat must be one of ${STATS.join(', ')}.`);
    const names = [s.output].flat();
    if (typeof s.metric !== 'string' || names.length === 0 || names.length > 20 || names.some((name) => typeof name !== 'string'))
      throw new EngineError('BadMetrics', 'Each series names a metric and one stack output, or a list of up to 20.');
  }
  const outputs = await stackOutputs();
  const answers: MetricSeries[] = series.map((s) => ({
    label: s.label ?? `${[s.output].flat().join(' + ')} ${s.metric}`,
    timestamps: [],
    values: [],
  }));
  const queries: MetricDataQuery[] = [];
  series.forEach((s, i) => {
    const namespace = s.namespace ?? 'AWS/SQS';
    const dimension = DIMENSIONS[namespace];
    const stat = s.stat ?? 'Maximum';
    const absent = [s.output].flat().filter((name) => outputs[name] === undefined);
    if (absent.length > 0) {
      answers[i].missing = `the stack has no output ${absent.join(', ')} yet`;
      return;
    }
    const resources = [s.output].flat().flatMap((name) =>
      outputs[name]
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean),
    );
    const metricStat = (value: string) => ({
      Metric: { Namespace: namespace, MetricName: s.metric, Dimensions: [dimension(value)] },
      Period: periodSeconds,
      Stat: stat,
    });
    if (resources.length === 1) {
      queries.push({ Id: `m${i}`, Label: answers[i].label, MetricStat: metricStat(resources[0]) });
      return;
    }
    // Several resources: each is a query of its own, left out of the answer, and the line is
    // their sum by metric math (METRICS("m3_") picks the queries whose Id contains m3_).
    for (const [j, value] of resources.entries()) queries.push({ Id: `m${i}_${j}`, MetricStat: metricStat(value), ReturnData: false });
    queries.push({ Id: `m${i}`, Label: answers[i].label, Expression: `SUM(METRICS("m${i}_"))` });
  });
  if (queries.length === 0) return { periodSeconds, series: answers };
  if (queries.length > 500)
    throw new EngineError('BadMetrics', `GetMetricData takes at most 500 queries; these series need ${queries.length}.`);
  const end = new Date();
  const start = new Date(end.getTime() - minutes * 60_000);
  let token: string | undefined;
  do {
    const page = await clientFor(CloudWatchClient, target).send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: start,
        EndTime: end,
        ScanBy: 'TimestampAscending',
        NextToken: token,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      const answer = answers[Number(result.Id!.slice(1))];
      (result.Timestamps ?? []).forEach((time, j) => {
        answer.timestamps.push(new Date(time).getTime());
        answer.values.push(result.Values![j]);
      });
    }
    token = page.NextToken;
  } while (token);
  for (const answer of answers) {
    // Oldest first, whatever order the pages came in.
    const order = answer.timestamps.map((_, j) => j).sort((a, b) => answer.timestamps[a] - answer.timestamps[b]);
    answer.timestamps = order.map((j) => answer.timestamps[j]);
    answer.values = order.map((j) => answer.values[j]);
  }
  return { periodSeconds, series: answers };
}
