import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { SsmService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    ssm: SsmService;
  }
}

/** SSM Parameter Store (the CDK's bootstrap version parameter, and the labs' own). */
export const ssm: ServiceDefinition = {
  build: () => {
    const ssm = new SsmService();
    return {
      service: {
        name: 'ssm',
        // A parameter's value is at most 4 KB (standard) or 8 KB (advanced); requests are small.
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html
        maxBodyBytes: MiB,
        protocol: { kind: 'json', title: 'SSM', targetPrefix: 'AmazonSSM', actions: ssm.actions },
        snapshot: () => ssm.parameters,
        restore: (parameters) => refill(ssm.parameters, parameters),
        reset: () => ssm.parameters.clear(),
      },
      provides: { ssm },
    };
  },
};
