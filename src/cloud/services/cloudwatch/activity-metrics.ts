import { type Activity, type ActivityType, kindOf } from '../../activity/stream.ts';

/** One datapoint of a metric AWS publishes. */
export interface Datum {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  value: number;
  unit: 'Count' | 'Milliseconds';
}

const count = (namespace: string, metric: string, dimensions: Record<string, string>): Datum => ({
  namespace,
  metric,
  dimensions,
  value: 1,
  unit: 'Count',
});
const lastPart = (arn: string, separator: string) => arn.split(separator).pop() ?? arn;
const functionName = (a: Activity) => ({ FunctionName: lastPart(a.resource, ':') });
const topicName = (a: Activity) => ({ TopicName: lastPart(a.resource, ':') });
const stateMachine = (
  a: Activity<
    | 'states.execution-started'
    | 'states.execution-succeeded'
    | 'states.execution-failed'
    | 'states.execution-aborted'
    | 'states.execution-timed-out'
  >,
) => ({
  StateMachineArn: a.detail.stateMachineArn,
});
const duration = (a: Activity, ms: number): Datum => ({
  namespace: 'AWS/Lambda',
  metric: 'Duration',
  dimensions: functionName(a),
  value: ms,
  unit: 'Milliseconds',
});

/**
 * The metrics AWS publishes for what moves through the cloud, by the kind of activity that tells
 * of it. (SQS's metrics come from fauxqs and the gateway instead: see sqs-metrics.ts.)
 */
const METRICS: { [K in ActivityType]?: (activity: Activity<K>) => Datum[] } = {
  'lambda.invoked': (a) => [count('AWS/Lambda', 'Invocations', functionName(a)), duration(a, a.detail.durationMs)],
  'lambda.failed': (a) => [
    count('AWS/Lambda', 'Invocations', functionName(a)),
    count('AWS/Lambda', 'Errors', functionName(a)),
    duration(a, a.detail.durationMs),
  ],
  'lambda.timed-out': (a) => [
    count('AWS/Lambda', 'Invocations', functionName(a)),
    count('AWS/Lambda', 'Errors', functionName(a)),
    duration(a, a.detail.durationMs),
  ],
  'lambda.throttled': (a) => [count('AWS/Lambda', 'Throttles', functionName(a))],
  'sns.published': (a) => [count('AWS/SNS', 'NumberOfMessagesPublished', topicName(a))],
  'sns.delivered': (a) => [count('AWS/SNS', 'NumberOfNotificationsDelivered', topicName(a))],
  // A delivery SNS gave up on is failed; with a dead-letter queue it is also redriven there, or failed to be.
  'sns.delivery-failed': (a) => [
    count('AWS/SNS', 'NumberOfNotificationsFailed', topicName(a)),
    ...(a.detail.deadLetterQueue ? [count('AWS/SNS', 'NumberOfNotificationsFailedToRedriveToDlq', topicName(a))] : []),
  ],
  'sns.dead-lettered': (a) => [
    count('AWS/SNS', 'NumberOfNotificationsFailed', topicName(a)),
    count('AWS/SNS', 'NumberOfNotificationsRedrivenToDlq', topicName(a)),
  ],
  'sns.filtered-out': (a) => [count('AWS/SNS', 'NumberOfNotificationsFilteredOut', topicName(a))],
  // Step Functions counts executions by state machine (the activity's resource is the execution).
  'states.execution-started': (a) => [count('AWS/States', 'ExecutionsStarted', stateMachine(a))],
  'states.execution-succeeded': (a) => [count('AWS/States', 'ExecutionsSucceeded', stateMachine(a))],
  'states.execution-failed': (a) => [count('AWS/States', 'ExecutionsFailed', stateMachine(a))],
  'states.execution-aborted': (a) => [count('AWS/States', 'ExecutionsAborted', stateMachine(a))],
  'states.execution-timed-out': (a) => [count('AWS/States', 'ExecutionsTimedOut', stateMachine(a))],
  'events.rule-matched': (a) => [count('AWS/Events', 'MatchedEvents', { RuleName: lastPart(a.resource, '/') })],
};

/** The datapoints AWS would publish for one activity (none for most). */
export function metricsOf(activity: Activity): Datum[] {
  const metrics = METRICS[kindOf(activity) as ActivityType] as ((activity: Activity) => Datum[]) | undefined;
  return metrics?.(activity) ?? [];
}
