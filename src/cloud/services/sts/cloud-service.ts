import type { ServiceDefinition } from '../../service.ts';
import { stsActions } from './service.ts';

/** AWS STS: who the caller is, and credentials for a role. Keeps nothing. */
export const sts: ServiceDefinition = {
  build: () => ({
    service: {
      name: 'sts',
      protocol: { kind: 'query', title: 'STS', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/', actions: stsActions },
    },
    provides: {},
  }),
};
