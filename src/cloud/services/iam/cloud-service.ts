import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { IamService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    iam: IamService;
  }
}

/** AWS IAM: roles and their policies, which Step Functions and EventBridge's role targets are checked against. */
export const iam: ServiceDefinition = {
  build: () => {
    const iam = new IamService();
    return {
      service: {
        name: 'iam',
        // IAM's largest request is a policy document (a managed policy: 6,144 characters; a role's inline
        // policies: 10,240), form-encoded up to three times that: 1 MiB is ample.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
        maxBodyBytes: MiB,
        protocol: { kind: 'query', title: 'IAM', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/', actions: iam.actions },
        snapshot: () => iam.roles,
        restore: (roles) => refill(iam.roles, roles),
        reset: () => iam.roles.clear(),
      },
      provides: { iam },
    };
  },
};
