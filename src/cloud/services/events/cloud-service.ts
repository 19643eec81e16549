import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { EventBridgeService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    eventBridge: EventBridgeService;
  }
}

/** Amazon EventBridge: buses, rules with event patterns, and their targets. */
export const events: ServiceDefinition = {
  build: ({ activity, delivery }) => {
    const eventBridge = new EventBridgeService(activity, delivery);
    return {
      service: {
        name: 'events',
        // PutEvents entries total at most 256 KB; a Detail is JSON inside JSON, escaped.
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
        maxBodyBytes: 2 * MiB,
        protocol: { kind: 'json', title: 'EventBridge', targetPrefix: 'AWSEvents', actions: eventBridge.actions },
        snapshot: () => ({ buses: eventBridge.buses, rules: eventBridge.rules }),
        restore: (saved) => {
          refill(eventBridge.buses, saved.buses);
          refill(eventBridge.rules, saved.rules);
          eventBridge.recompile();
        },
        reset: () => {
          eventBridge.buses.clear();
          eventBridge.rules.clear();
          eventBridge.recompile();
        },
      },
      provides: { eventBridge },
    };
  },
};
