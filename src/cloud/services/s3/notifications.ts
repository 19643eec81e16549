import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseArn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { EventBus } from '../../events/bus.ts';
import { resourcePolicyAllows } from '../../shared/resource-policy.ts';
import { sendToQueueAsService } from '../../sqs-delivery.ts';
import type { LambdaService } from '../lambda/service.ts';
import { allowsServiceInvoke } from '../lambda/permissions.ts';
import type { SnsService } from '../sns/service.ts';
import { ruleMatches, type NotificationConfiguration, type NotificationRule } from './notification-config.ts';
import { eventMessage, s3RequestId, testEventMessage, type ObjectChange } from './records.ts';

// LIMITATIONS: no EventBridge destination (refused by name); events are those of objects
// created and removed (no versioning, restore, replication, lifecycle, tagging or ACL events);
// one region per cloud for destinations, as S3 requires destinations in the bucket's region.

const S3_PRINCIPAL = 's3.amazonaws.com';

/** Whether a destination's policy lets S3 perform `action` on it for the events of the bucket `sourceArn`. */
const allowsS3 = (policy: string | undefined, action: string, destinationArn: string, sourceArn: string) =>
  resourcePolicyAllows(policy, { service: S3_PRINCIPAL, action, resourceArn: destinationArn, sourceArn });

export interface S3NotificationsOptions {
  events: EventBus;
  s3: S3Client;
  sqsIn: (region: string) => SQSClient;
  sns: SnsService;
  lambda: LambdaService;
  region: string;
}

/** A destination that failed S3's validation, and why (AWS lists them as ArgumentName/ArgumentValue). */
export class DestinationValidationError extends AwsError {
  constructor(readonly failures: { arn: string; reason: string }[]) {
    super('InvalidArgument', 'Unable to validate the following destination configurations');
  }
}

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

/**
 * S3 event notifications, which fauxqs lacks: the configuration of each bucket, the validation
 * S3 does when it is set, and delivery of event records to queues, topics and functions.
 */
export class S3Notifications {
  /** Configurations by bucket name. */
  readonly configurations = new Map<string, NotificationConfiguration>();

  constructor(private readonly options: S3NotificationsOptions) {}

  /** Fails with NoSuchBucket as S3 does for a bucket fauxqs does not have. */
  async requireBucket(bucket: string): Promise<void> {
    try {
      await this.options.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
        throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
      }
      throw error;
    }
  }

  /**
   * PutBucketNotificationConfiguration: replaces the bucket's configuration after checking
   * every destination exists and lets S3 deliver to it, then sends each queue and topic an
   * `s3:TestEvent`, as AWS does. `skipDestinationValidation` skips both.
   */
  async put(bucket: string, configuration: NotificationConfiguration, skipDestinationValidation = false): Promise<void> {
    await this.requireBucket(bucket);
    const requestId = s3RequestId();
    if (!skipDestinationValidation) {
      const failures: { arn: string; reason: string }[] = [];
      for (const rule of configuration.rules) {
        const reason = await this.destinationProblem(rule, bucket);
        if (reason) failures.push({ arn: rule.arn, reason });
      }
      if (failures.length > 0) throw new DestinationValidationError(failures);
    }
    if (configuration.rules.length === 0) this.configurations.delete(bucket);
    else this.configurations.set(bucket, configuration);
    this.options.events.emit('s3', 'notification-configuration-set', bucketArn(bucket), { destinations: configuration.rules.map((r) => r.arn) });
    if (skipDestinationValidation) return;
    const body = JSON.stringify(testEventMessage(bucket, requestId));
    for (const arn of new Set(configuration.rules.filter((r) => r.kind !== 'lambda').map((r) => r.arn))) {
      const kind = parseArn(arn)!.service === 'sqs' ? 'queue' : 'topic';
      await this.send({ id: 'TestEvent', kind, arn, events: [] }, bucket, body, 's3:TestEvent', '').catch(() => undefined);
    }
  }

  /** The bucket's configuration (empty when it has none). */
  async get(bucket: string): Promise<NotificationConfiguration> {
    await this.requireBucket(bucket);
    return this.configurations.get(bucket) ?? { rules: [] };
  }

  /** Why S3 could not validate a destination, or undefined when it can deliver there. */
  private async destinationProblem(rule: NotificationRule, bucket: string): Promise<string | undefined> {
    const parsed = parseArn(rule.arn)!;
    const source = bucketArn(bucket);
    if (parsed.region !== this.options.region) return `The destination must be in the bucket's region (${this.options.region})`;
    if (rule.kind === 'queue') {
      if (parsed.resource.endsWith('.fifo')) return 'FIFO queues are not supported as S3 event notification destinations';
      const sqs = this.options.sqsIn(parsed.region);
      let policy: string | undefined;
      try {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: parsed.resource }));
        policy = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy'] }))).Attributes?.Policy;
      } catch {
        return 'The destination queue does not exist';
      }
      return allowsS3(policy, 'sqs:SendMessage', rule.arn, source) ? undefined : 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket';
    }
    if (rule.kind === 'topic') {
      const topic = this.options.sns.store.topics.get(rule.arn);
      if (!topic) return 'The destination topic does not exist';
      if (topic.attributes.FifoTopic === 'true') return 'FIFO topics are not supported as S3 event notification destinations';
      return allowsS3(topic.attributes.Policy, 'sns:Publish', rule.arn, source) ? undefined : 'Permissions on the destination topic do not allow S3 to publish notifications from this bucket';
    }
    const fn = this.options.lambda.functions.get(parsed.resource.split(':')[1] ?? '');
    if (!fn) return 'The destination Lambda function does not exist';
    return allowsServiceInvoke(fn.policy, S3_PRINCIPAL, source) ? undefined : 'Permissions on the destination Lambda function do not allow S3 to invoke it from this bucket';
  }

  /** Sends the event record of a change to every destination whose configuration matches it. */
  async notify(change: ObjectChange): Promise<void> {
    const configuration = this.configurations.get(change.bucket);
    if (!configuration) return;
    for (const rule of configuration.rules) {
      if (!ruleMatches(rule, change.eventName, change.key)) continue;
      const body = JSON.stringify(eventMessage(change, this.options.region, rule.id));
      await this.send(rule, change.bucket, body, change.eventName, change.key);
    }
  }

  /** Whether any configuration of `bucket` could want an event: saves looking objects up when none can. */
  has(bucket: string): boolean {
    return this.configurations.has(bucket);
  }

  private async send(rule: NotificationRule, bucket: string, body: string, eventName: string, key: string): Promise<void> {
    const source = bucketArn(bucket);
    const detail = { eventName, key, destination: rule.arn, configurationId: rule.id };
    try {
      if (rule.kind === 'queue') await sendToQueueAsService(this.options.sqsIn, rule.arn, S3_PRINCIPAL, source, body, {});
      else if (rule.kind === 'topic') {
        const topic = this.options.sns.store.topics.get(rule.arn);
        if (!topic) throw new Error(`topic ${rule.arn} does not exist`);
        // The topic policy is checked on every delivery, as on AWS: a policy changed later stops events.
        if (!allowsS3(topic.attributes.Policy, 'sns:Publish', rule.arn, source)) throw new Error(`the policy of topic ${rule.arn} does not allow s3.amazonaws.com to publish on behalf of ${source}`);
        await this.options.sns.publish({ TopicArn: rule.arn, Subject: 'Amazon S3 Notification', Message: body });
      } else this.options.lambda.invokeAsService(rule.arn, S3_PRINCIPAL, source, JSON.parse(body));
      this.options.events.emit('s3', 'notified', source, detail);
    } catch (error) {
      // On AWS an event S3 cannot deliver is lost; the event stream says why.
      this.options.events.emit('s3', 'notification-failed', source, { ...detail, reason: (error as Error).message });
    }
  }

  /** Reports a change to a bucket's policy or tags on the event stream (which also saves the state). */
  /** A change whose notifications could not even be worked out (the object vanished, say): said, not dropped. */
  failed(bucket: string, key: string, error: Error): void {
    this.options.events.emit('s3', 'notification-failed', bucketArn(bucket), { key, reason: error.message });
  }

  changed(bucket: string, what: 'bucket-policy-set' | 'bucket-policy-deleted' | 'bucket-tags-set' | 'bucket-tags-deleted'): void {
    this.options.events.emit('s3', what, bucketArn(bucket));
  }

  /** A deleted bucket takes its configuration with it. */
  forget(bucket: string): void {
    this.configurations.delete(bucket);
    this.options.events.emit('s3', 'bucket-deleted', bucketArn(bucket));
  }
}
