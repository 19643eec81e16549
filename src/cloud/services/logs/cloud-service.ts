import { MiB, type ServiceDefinition } from '../../service.ts';
import { LogsService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    logs: LogsService;
  }
}

/** CloudWatch Logs: where functions' output lands. */
export const logs: ServiceDefinition = {
  build: ({ ledger }) => {
    const logs = new LogsService(ledger('logs.events'));
    return {
      service: {
        name: 'logs',
        // PutLogEvents takes at most 1,048,576 bytes of events (messages plus 26 bytes each), which JSON
        // escaping can grow up to six times. https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
        maxBodyBytes: 8 * MiB,
        protocol: { kind: 'json', title: 'CloudWatch Logs', targetPrefix: 'Logs_20140328', actions: logs.actions },
        snapshot: () => logs.snapshot(),
        restore: (groups) => logs.restore(groups),
        reset: () => logs.clear(),
      },
      provides: { logs },
    };
  },
};
