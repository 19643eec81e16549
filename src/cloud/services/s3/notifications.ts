import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ActivityStream } from '../../activity/stream.ts';
import { parseArn } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { Delivery } from '../../delivery/delivery.ts';
import { type NotificationConfiguration, type NotificationRule, ruleMatches } from './notification-config.ts';
import { eventMessage, type ObjectChange, s3RequestId, testEventMessage } from './records.ts';

// LIMITATIONS: no EventBridge destination (refused by name); events are those of objects
// created and removed (no versioning, restore, replication, lifecycle, tagging or ACL events);
// one region per cloud for destinations, as S3 requires destinations in the bucket's region.

/** S3 delivers as its service principal, on behalf of the bucket. */
const asS3 = (bucket: string) => ({ service: 's3.amazonaws.com', sourceArn: bucketArn(bucket) });

export interface S3NotificationsOptions {
  activity: ActivityStream;
  s3: S3Client;
  delivery: Delivery;
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
    this.options.activity.emit('s3.notification-configuration-set', bucketArn(bucket), {
      destinations: configuration.rules.map((r) => r.arn),
    });
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
    if (parsed.region !== this.options.region) return `The destination must be in the bucket's region (${this.options.region})`;
    const kind = { queue: 'queue', topic: 'topic', lambda: 'Lambda function' }[rule.kind];
    if (rule.kind === 'queue' && parsed.resource.endsWith('.fifo'))
      return 'FIFO queues are not supported as S3 event notification destinations';
    const { delivery } = this.options;
    const { exists, policy } = await delivery.policyOf(rule.arn);
    if (!exists) return `The destination ${kind} does not exist`;
    if (rule.kind === 'topic' && rule.arn.endsWith('.fifo')) return 'FIFO topics are not supported as S3 event notification destinations';
    if (await delivery.refusal(asS3(bucket), rule.arn, policy)) {
      return rule.kind === 'lambda'
        ? 'Permissions on the destination Lambda function do not allow S3 to invoke it from this bucket'
        : `Permissions on the destination ${kind} do not allow S3 to publish notifications from this bucket`;
    }
    return undefined;
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
    const principal = asS3(bucket);
    const detail = { eventName, key, destination: rule.arn, configurationId: rule.id };
    const { delivery } = this.options;
    try {
      // Each delivery is authorized again, as on AWS: a policy changed later stops events.
      if (rule.kind === 'queue') await delivery.sendToQueue(rule.arn, { body }, principal);
      else if (rule.kind === 'topic')
        await delivery.publishToTopic(rule.arn, { message: body, subject: 'Amazon S3 Notification' }, principal);
      else await delivery.invokeFunction(rule.arn, JSON.parse(body), principal);
      this.options.activity.emit('s3.notified', principal.sourceArn, detail);
    } catch (error) {
      // On AWS an event S3 cannot deliver is lost; the activity stream says why.
      this.options.activity.emit('s3.notification-failed', principal.sourceArn, { ...detail, reason: (error as Error).message });
    }
  }

  /** Reports a change to a bucket's policy or tags on the event stream (which also saves the state). */
  /** A change whose notifications could not even be worked out (the object vanished, say): said, not dropped. */
  failed(bucket: string, key: string, error: Error): void {
    this.options.activity.emit('s3.notification-failed', bucketArn(bucket), { key, reason: error.message });
  }

  changed(
    bucket: string,
    what: 's3.bucket-policy-set' | 's3.bucket-policy-deleted' | 's3.bucket-tags-set' | 's3.bucket-tags-deleted',
  ): void {
    this.options.activity.emit(what, bucketArn(bucket));
  }

  /** A deleted bucket takes its configuration with it. */
  forget(bucket: string): void {
    this.configurations.delete(bucket);
    this.options.activity.emit('s3.bucket-deleted', bucketArn(bucket));
  }
}
