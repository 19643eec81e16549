import { refill, type ServiceDefinition } from '../../service.ts';
import { LogsService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    logs: LogsService;
  }
}

/** CloudWatch Logs: where functions' output lands. */
export const logs: ServiceDefinition = {
  build: () => {
    const logs = new LogsService();
    return {
      service: {
        name: 'logs',
        protocol: { kind: 'json', title: 'CloudWatch Logs', targetPrefix: 'Logs_20140328', actions: logs.actions },
        snapshot: () => logs.groups,
        restore: (groups) => refill(logs.groups, groups),
        reset: () => logs.groups.clear(),
      },
      provides: { logs },
    };
  },
};
