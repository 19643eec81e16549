import { S3Client } from '@aws-sdk/client-s3';
import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { BucketSubresources } from './bucket-subresources.ts';
import { S3Gateway } from './gateway.ts';
import { S3Notifications } from './notifications.ts';

declare module '../../services.ts' {
  interface CloudServices {
    /** S3 (fauxqs's buckets and objects). */
    s3: S3Client;
    /** S3 event notification configurations and their delivery (fauxqs has none). */
    s3Notifications: S3Notifications;
    /** Bucket policies, tags and settings (fauxqs keeps none of them). */
    s3Buckets: BucketSubresources;
  }
}

/** The largest body S3 takes here (a local limit: see maxBodyBytes). */
const MAX_UPLOAD = 256 * MiB;

/** Amazon S3: buckets and objects in fauxqs; notifications, bucket policies and tags here. */
export const s3: ServiceDefinition = {
  build: ({ emulators, settings, activity, delivery }) => {
    const s3 = new S3Client({
      region: settings.region,
      endpoint: emulators.fauxqsUrl.href,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      forcePathStyle: true,
    });
    const notifications = new S3Notifications({ activity, s3, delivery, region: settings.region });
    const buckets = new BucketSubresources();
    const gateway = new S3Gateway(emulators.fauxqsUrl, s3, notifications, buckets);
    return {
      service: {
        name: 's3',
        // AWS takes objects of up to 5 GB in one PUT; fauxqs holds an upload in memory, so here one is
        // at most MAX_UPLOAD (refused as EntityTooLarge). https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html
        maxBodyBytes: MAX_UPLOAD,
        tooLargeCode: { code: 'EntityTooLarge', status: 400 },
        protocol: {
          kind: 'emulated',
          title: 'S3',
          errors: 'rest-xml',
          handle: ({ req, res, body, durable }) => gateway.handle(req, res, { body, durable, maxBytes: MAX_UPLOAD }),
        },
        snapshot: () => ({
          notifications: notifications.configurations,
          policies: buckets.policies,
          tags: buckets.tags,
          settings: buckets.settings,
        }),
        restore: (saved) => {
          refill(notifications.configurations, saved.notifications);
          refill(buckets.policies, saved.policies);
          refill(buckets.tags, saved.tags);
          refill(buckets.settings, saved.settings);
        },
        // The buckets themselves go with fauxqs's purge (see sqs).
        reset: () => {
          notifications.configurations.clear();
          buckets.policies.clear();
          buckets.tags.clear();
          buckets.settings.clear();
        },
        shutdown: () => s3.destroy(),
      },
      provides: { s3, s3Notifications: notifications, s3Buckets: buckets },
    };
  },
};
