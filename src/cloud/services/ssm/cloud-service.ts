import { refill, type ServiceDefinition } from '../../service.ts';
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
        protocol: { kind: 'json', title: 'SSM', targetPrefix: 'AmazonSSM', actions: ssm.actions },
        snapshot: () => ssm.parameters,
        restore: (parameters) => refill(ssm.parameters, parameters),
        reset: () => ssm.parameters.clear(),
      },
      provides: { ssm },
    };
  },
};
