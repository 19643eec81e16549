import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { CloudWatchService } from './service.ts';
import { inspectedQueue } from './sqs-metrics.ts';

declare module '../../services.ts' {
  interface CloudServices {
    cloudWatch: CloudWatchService;
  }
}

/** Amazon CloudWatch: metrics from what moves through the cloud, and alarms on them. */
export const monitoring: ServiceDefinition = {
  build: ({ settings, activity, delivery, emulators, services }) => {
    const cloudWatch = new CloudWatchService(activity, delivery);
    // SQS metrics: sends, deletes and dead-lettering come from fauxqs's message spy (its filter sees
    // every event), receives from the gateway and the cloud's own clients; queue gauges are sampled
    // here, then alarms are evaluated.
    void emulators.fauxqs.spy.waitForMessage(cloudWatch.sqs.observe);
    const sample = async () => {
      for (const QueueUrl of (await services.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []) {
        const queue = inspectedQueue(emulators.fauxqs, QueueUrl.slice(QueueUrl.lastIndexOf('/') + 1));
        if (queue) cloudWatch.sqs.sample(queue);
      }
      await cloudWatch.evaluateAll();
    };
    const timer = setInterval(() => void sample().catch(() => undefined), settings.metricsIntervalMs);
    timer.unref();
    return {
      service: {
        name: 'monitoring',
        // PutMetricData requests are at most 1 MB. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
        maxBodyBytes: 2 * MiB,
        protocol: {
          kind: 'json',
          title: 'CloudWatch',
          targetPrefix: 'GraniteServiceVersion20100801',
          version: '1.0',
          actions: cloudWatch.actions,
        },
        snapshot: () => cloudWatch.alarms,
        restore: (alarms) => refill(cloudWatch.alarms, alarms),
        reset: () => {
          cloudWatch.metrics.clear();
          cloudWatch.sqs.clear();
          cloudWatch.alarms.clear();
        },
        shutdown: () => clearInterval(timer),
      },
      provides: { cloudWatch },
    };
  },
};
