import { MiB, type ServiceDefinition } from '../../service.ts';
import { stsActions } from './service.ts';

/** AWS STS: who the caller is, and credentials for a role. Keeps nothing. */
export const sts: ServiceDefinition = {
  build: () => ({
    service: {
      name: 'sts',
      // STS requests are a few fields (a role's session policy is at most 2,048 characters): 1 MiB is all headroom.
      maxBodyBytes: MiB,
      protocol: { kind: 'query', title: 'STS', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/', actions: stsActions },
    },
    provides: {},
  }),
};
