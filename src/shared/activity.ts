// The vocabulary of the local cloud's activity stream: every kind of activity, the facts it
// carries and how it is told to a learner, in one table. The cloud emits these (typed against the
// table), the site's message-flow view shows the ones with a description, CloudWatch turns some
// into metrics. This file imports nothing, so both the site and the cloud can import it without
// either pulling in the other.

/** How a line of the message-flow view looks: a message moving, a failure, or a note. */
export type Tone = 'move' | 'fail' | 'info';

/** One line of the message-flow view. */
export interface Line {
  tone: Tone;
  text: string;
}

/** How a kind of activity is told: from its facts and the short name of its resource. */
type Describe<D> = (detail: D, name: string) => Line;

/** One row of the table: the facts (a type) and, for what a learner should see, the words. */
export interface Row<D> {
  describe?: Describe<D>;
  /** Carries the type of the facts; never set. */
  readonly facts?: D;
}

/** A row whose facts are `D`; without `describe` the activity is recorded and streamed, not shown. */
const row = <D extends object = Record<string, never>>(describe?: Describe<D>): Row<D> => ({ describe });

/** The short name of an ARN or URL: `alice-RideCompletionTopic` rather than the whole ARN. */
export function shortName(resource: string): string {
  const tail = resource.split(/[:/]/).filter(Boolean).pop() ?? resource;
  return /^[0-9a-f-]{36}$/.test(tail) ? resource.split(':').slice(-2).join(':') : tail;
}

const short = (value: unknown) => (typeof value === 'string' ? shortName(value) : '');

// Facts shared by several rows.
/** One published message on its way to one subscription. */
interface SnsDelivery {
  messageId: string;
  subscriptionArn: string;
  protocol: string;
  endpoint: string;
}
interface LambdaRun {
  requestId: string;
  /** What invoked the function: api, sns, events, s3, states, sqs, kinesis, lambda-destination… */
  trigger: string;
  durationMs: number;
  coldStart: boolean;
}
interface LambdaError {
  errorType?: string;
  errorMessage?: string;
}
interface EventBridgeDelivery {
  eventId: string;
  targetId: string;
  target: string;
}
interface ExecutionFacts {
  stateMachineArn: string;
}
interface StateFacts extends ExecutionFacts {
  state: string;
}
interface ExecutionEnd extends ExecutionFacts {
  error?: string;
}
interface RedriveEnd {
  taskHandle: string;
  moved: number;
}
interface S3Notification {
  eventName: string;
  key: string;
  destination: string;
  configurationId: string;
}
interface StreamBatch {
  uuid: string;
  shardId: string;
}

const executionEnd =
  (word: string) =>
  (d: ExecutionEnd, name: string): Line => ({
    tone: 'fail',
    text: `Step Functions ${name} ■ ${word}${d.error ? ` (${d.error})` : ''}`,
  });

/**
 * Every kind of activity, by `service.type` (the service is the AWS signing name: `events` is
 * EventBridge, `states` Step Functions). The resource is the ARN (or name) it happened to.
 */
export const ACTIVITY = {
  'workshop.reset': row(),
  /** A reused emulator (dynalite, kinesalite) failed on a request and was started again; the resource is its name. */
  'workshop.emulator-restarted': row<{ service: string; reason: string }>((d) => ({
    tone: 'fail',
    text: `The local ${d.service} emulator failed (${d.reason}) and was restarted; the rest of the cloud kept serving`,
  })),

  'apigateway.request': row<{ requestId: string; method: string; path: string }>((d) => ({
    tone: 'info',
    text: `API Gateway ← ${d.method} ${d.path}`,
  })),
  'apigateway.integration-failed': row<{ requestId: string; reason: string }>((d, name) => ({
    tone: 'fail',
    text: `API Gateway ${name}: the integration failed (${d.reason})`,
  })),

  'sns.topic-created': row(),
  'sns.topic-deleted': row(),
  'sns.subscribed': row<{ subscriptionArn: string; protocol: string; endpoint: string }>(),
  'sns.unsubscribed': row<{ subscriptionArn: string }>(),
  'sns.published': row<{ messageId: string; subject?: string; attributes: string[] }>((d, name) => ({
    tone: 'move',
    text: `SNS ${name} ← published${d.attributes.length ? ` (attributes: ${d.attributes.join(', ')})` : ''}`,
  })),
  'sns.deduplicated': row<{ dedupId: string }>((d, name) => ({
    tone: 'info',
    text: `SNS ${name}: duplicate of ${d.dedupId} within five minutes, not delivered again`,
  })),
  'sns.filtered-out': row<SnsDelivery>((d, name) => ({ tone: 'info', text: `SNS ${name} ✕ filtered out for ${short(d.endpoint)}` })),
  'sns.delivered': row<SnsDelivery & { status?: number; attempts?: number }>((d, name) => ({
    tone: 'move',
    text: `SNS ${name} → ${d.protocol} ${short(d.endpoint)}`,
  })),
  'sns.delivery-retry': row<SnsDelivery & { messageType?: string; attempt: number; reason: string; retryInMs: number }>((d, name) => ({
    tone: 'info',
    text: `SNS ${name} → ${short(d.endpoint)}: attempt ${d.attempt} failed (${d.reason}); retrying in ${d.retryInMs} ms`,
  })),
  'sns.delivery-failed': row<
    SnsDelivery & {
      reason: string;
      attempts?: number /** Set when the subscription's dead-letter queue refused the message too. */;
      deadLetterQueue?: string;
    }
  >((d, name) => ({ tone: 'fail', text: `SNS ${name} → ${short(d.endpoint)}: failed (${d.reason})` })),
  'sns.dead-lettered': row<SnsDelivery & { reason: string; deadLetterQueue: string; attempts?: number }>((d, name) => ({
    tone: 'fail',
    text: `SNS ${name} → dead-letter queue ${short(d.deadLetterQueue)} (${d.reason})`,
  })),
  'sns.confirmation-sent': row<{
    messageId: string;
    subscriptionArn: string;
    protocol: string;
    endpoint: string;
    status: number;
    attempts: number;
  }>((d, name) => ({
    tone: 'info',
    text: `SNS ${name} → ${short(d.endpoint)}: subscription confirmation sent`,
  })),
  'sns.confirmation-failed': row<{
    messageId: string;
    subscriptionArn: string;
    protocol: string;
    endpoint: string;
    reason: string;
    attempts: number;
  }>((d, name) => ({
    tone: 'fail',
    text: `SNS ${name} → ${short(d.endpoint)}: subscription confirmation failed (${d.reason})`,
  })),
  'sns.subscription-confirmed': row<{ subscriptionArn: string; protocol: string; endpoint: string; authenticated: boolean }>((d, name) => ({
    tone: 'info',
    text: `SNS ${name}: ${d.protocol} ${short(d.endpoint)} confirmed its subscription`,
  })),

  'sqs.redrive-started': row<{ taskHandle: string; destinationArn?: string; toMove: number }>((d, name) => ({
    tone: 'move',
    text: `SQS redrive of ${d.toMove} from ${name} started`,
  })),
  'sqs.redrive-completed': row<RedriveEnd>((d, name) => ({ tone: 'move', text: `SQS redrive from ${name} done: ${d.moved} moved` })),
  'sqs.redrive-cancelled': row<RedriveEnd>((d, name) => ({
    tone: 'info',
    text: `SQS redrive from ${name} cancelled after ${d.moved} moved`,
  })),
  'sqs.redrive-failed': row<RedriveEnd>((d, name) => ({ tone: 'fail', text: `SQS redrive from ${name} failed after ${d.moved} moved` })),

  'events.put-event': row<{ eventId: string; source: string; detailType: string }>((d, name) => ({
    tone: 'move',
    text: `EventBridge ${name} ← ${d.source} / ${d.detailType}`,
  })),
  'events.rule-matched': row<{ eventId: string }>(),
  'events.delivered': row<EventBridgeDelivery>((d, name) => ({ tone: 'move', text: `EventBridge rule ${name} → ${short(d.target)}` })),
  'events.delivery-failed': row<EventBridgeDelivery & { reason: string }>((d, name) => ({
    tone: 'fail',
    text: `EventBridge ${name} → ${short(d.target)}: failed (${d.reason})`,
  })),

  'kinesis.records-put': row<{ records: number }>((d, name) => ({
    tone: 'move',
    text: `Kinesis ${name} ← ${d.records} record${d.records === 1 ? '' : 's'}`,
  })),

  'lambda.function-created': row(),
  'lambda.function-updated': row(),
  'lambda.function-deleted': row(),
  'lambda.invoked': row<LambdaRun>((d, name) => ({
    tone: 'move',
    text: `λ ${name} ran (${d.trigger}${d.coldStart ? ', cold start' : ''}, ${d.durationMs} ms)`,
  })),
  'lambda.failed': row<LambdaRun & { error?: LambdaError }>((d, name) => ({
    tone: 'fail',
    text: `λ ${name} failed (${d.trigger}): ${d.error?.errorMessage ?? ''}`,
  })),
  'lambda.timed-out': row<LambdaRun & { error?: LambdaError }>((d, name) => ({
    tone: 'fail',
    text: `λ ${name} timed out (${d.trigger}): ${d.error?.errorMessage ?? ''}`,
  })),
  'lambda.throttled': row<LambdaRun>((d, name) => ({ tone: 'fail', text: `λ ${name} throttled (${d.trigger})` })),
  'lambda.async-retry': row<{ trigger: string; attempt: number; requestId: string }>((d, name) => ({
    tone: 'info',
    text: `λ ${name}: Lambda retries the asynchronous event (attempt ${d.attempt})`,
  })),
  'lambda.async-dropped': row<{ trigger: string; condition: string; attempts: number; error?: LambdaError }>((d, name) => ({
    tone: 'fail',
    text: `λ ${name}: event dropped after ${d.attempts} attempts`,
  })),
  'lambda.async-failed-to-destination': row<{
    trigger: string;
    condition: string;
    attempts: number;
    destination: string;
    error?: LambdaError;
  }>((d, name) => ({
    tone: 'fail',
    text: `λ ${name}: event sent to its on-failure destination ${short(d.destination)} after ${d.attempts} attempts`,
  })),
  'lambda.destination-failed': row<{ destination: string; reason: string }>((d, name) => ({
    tone: 'fail',
    text: `λ ${name} → destination ${short(d.destination)}: failed (${d.reason})`,
  })),
  'lambda.event-source-mapping-created': row<{ uuid: string; eventSourceArn: string }>(),
  'lambda.event-source-mapping-error': row<{ uuid: string; reason: string; shardId?: string }>((d, name) => ({
    tone: 'fail',
    text: `λ polling ${name} failed: ${d.reason}`,
  })),
  'lambda.batch-failed': row<{ uuid: string; reason?: string; error?: LambdaError; messages?: number }>((_d, name) => ({
    tone: 'fail',
    text: `λ batch from ${name} failed: it returns to the queue`,
  })),
  'lambda.batch-partially-failed': row<{ uuid: string; failed: string[] }>((d, name) => ({
    tone: 'fail',
    text: `λ batch from ${name} partly failed (${d.failed.length} back to the queue)`,
  })),
  'lambda.batch-bisected': row<StreamBatch & { sizes: number[] }>((d, name) => ({
    tone: 'info',
    text: `λ batch from ${name} split in two (${d.sizes.join(' + ')}) to find the failing record`,
  })),
  'lambda.batch-to-destination': row<StreamBatch & { condition: string; records: number }>((d, name) => ({
    tone: 'fail',
    text: `λ batch of ${d.records} from ${name} sent to its on-failure destination (${d.condition})`,
  })),
  'lambda.batch-discarded': row<StreamBatch & { condition: string; records: number }>((d, name) => ({
    tone: 'fail',
    text: `λ batch of ${d.records} from ${name} discarded (${d.condition})`,
  })),

  'states.state-machine-created': row(),
  'states.state-machine-deleted': row(),
  'states.execution-started': row<ExecutionFacts & { name: string }>((_d, name) => ({
    tone: 'move',
    text: `Step Functions ${name} ▶ started`,
  })),
  'states.state-entered': row<StateFacts & { stateType: string }>((d, name) => ({
    tone: 'move',
    text: `Step Functions ${name} → ${d.state}`,
  })),
  'states.state-exited': row<StateFacts & { stateType: string }>(),
  'states.task-failed': row<StateFacts & { error: string }>((d, name) => ({
    tone: 'fail',
    text: `Step Functions ${name}: ${d.state} failed (${d.error})`,
  })),
  'states.state-retried': row<StateFacts & { attempt: number }>((d, name) => ({
    tone: 'info',
    text: `Step Functions ${name}: ${d.state} retried (attempt ${d.attempt})`,
  })),
  'states.state-caught': row<StateFacts & { next: string }>((d, name) => ({
    tone: 'info',
    text: `Step Functions ${name}: ${d.state} caught → ${d.next}`,
  })),
  'states.execution-succeeded': row<ExecutionEnd>((_d, name) => ({ tone: 'move', text: `Step Functions ${name} ■ succeeded` })),
  'states.execution-failed': row<ExecutionEnd>(executionEnd('failed')),
  'states.execution-aborted': row<ExecutionEnd>(executionEnd('aborted')),
  'states.execution-timed-out': row<ExecutionEnd>(executionEnd('timed out')),

  's3.notification-configuration-set': row<{ destinations: string[] }>(),
  's3.notified': row<S3Notification>((d, name) => ({ tone: 'move', text: `S3 ${name} ${d.eventName} ${d.key} → ${short(d.destination)}` })),
  's3.notification-failed': row<Partial<S3Notification> & { key: string; reason: string }>((d, name) => ({
    tone: 'fail',
    text: `S3 ${name} ${d.key}${d.destination ? ` → ${short(d.destination)}` : ''}: notification failed (${d.reason})`,
  })),
  's3.bucket-policy-set': row(),
  's3.bucket-policy-deleted': row(),
  's3.bucket-tags-set': row(),
  's3.bucket-tags-deleted': row(),
  's3.bucket-deleted': row(),

  'cloudwatch.alarm-state-changed': row<{ from: string; to: string; reason: string }>((d, name) => ({
    tone: d.to === 'ALARM' ? 'fail' : 'info',
    text: `CloudWatch alarm ${name}: ${d.from} → ${d.to}`,
  })),
  'cloudwatch.alarm-action-failed': row<{ topicArn: string; reason: string }>((d, name) => ({
    tone: 'fail',
    text: `CloudWatch alarm ${name} → ${short(d.topicArn)}: failed (${d.reason})`,
  })),

  'cloudformation.resource-status': row<{ stackName: string; logicalId: string; resourceType: string; status: string; reason?: string }>(),
  'cloudformation.handler-modelled-natively': row<{ stackName: string; logicalId: string; resourceType: string }>(),
  'cloudformation.change-set-status': row<{ stackName: string; changeSetName: string; status: string; reason?: string }>(),
} satisfies Record<string, Row<any>>;

/** Every kind of activity, as `service.type`. */
export type ActivityType = keyof typeof ACTIVITY;

/** The facts of each kind of activity. */
export type ActivityFacts = { [K in ActivityType]: (typeof ACTIVITY)[K] extends Row<infer D> ? D : never };

type ServiceOf<K extends string> = K extends `${infer S}.${string}` ? S : never;
type TypeOf<K extends string> = K extends `${string}.${infer T}` ? T : never;

/**
 * One activity as the cloud records and streams it (the shape is stable: the site and the tests
 * read it from the stream). Narrow it with `is`.
 */
export type Activity<K extends ActivityType = ActivityType> = {
  [T in K]: {
    /** Increasing sequence number within this run of the cloud. */
    seq: number;
    /** Epoch milliseconds. */
    time: number;
    service: ServiceOf<T>;
    type: TypeOf<T>;
    /** The ARN or name of the resource it happened to. */
    resource: string;
    detail: ActivityFacts[T];
  };
}[K];

/** The `service.type` of an activity. */
export const kindOf = (activity: { service: string; type: string }) => `${activity.service}.${activity.type}`;

/** Whether an activity is of kind `kind`: narrows its facts. */
export function is<K extends ActivityType>(activity: Activity, kind: K): activity is Activity & Activity<K> {
  return kindOf(activity) === kind;
}

/** How the message-flow view tells an activity, or undefined for one it leaves out. */
export function describeActivity(activity: Activity): Line | undefined {
  const row: Row<any> | undefined = (ACTIVITY as Record<string, Row<any>>)[kindOf(activity)];
  return row?.describe?.(activity.detail, shortName(activity.resource));
}

/** The kinds of activity the message-flow view shows. */
export const SHOWN_ACTIVITY = (Object.keys(ACTIVITY) as ActivityType[]).filter((kind) => ACTIVITY[kind].describe !== undefined);
