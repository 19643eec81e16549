import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { EcrService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    /** ECR repositories (no images): the CDK's bootstrap stack makes one. */
    ecr: EcrService;
  }
}

/** Amazon ECR, as far as the CDK's bootstrap stack needs it: repositories, their policies and lifecycle. */
export const ecr: ServiceDefinition = {
  build: () => {
    const ecr = new EcrService();
    return {
      service: {
        name: 'ecr',
        // Repository and lifecycle policies are at most 10,240 and 30,720 characters; requests are small.
        // https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
        maxBodyBytes: MiB,
        protocol: { kind: 'json', title: 'ECR', targetPrefix: 'AmazonEC2ContainerRegistry_V20150921', actions: ecr.actions },
        snapshot: () => ecr.repositories,
        restore: (repositories) => refill(ecr.repositories, repositories),
        reset: () => ecr.repositories.clear(),
      },
      provides: { ecr },
    };
  },
};
