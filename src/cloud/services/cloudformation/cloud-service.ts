import { MiB, type ServiceDefinition } from '../../service.ts';
import { CloudFormationService } from './service.ts';
import type { StackRecord } from './stack.ts';

declare module '../../services.ts' {
  interface CloudServices {
    cloudformation: CloudFormationService;
  }
}

/** What a stack keeps across restarts: the record without its operation in progress (a live promise). */
const savedStack = ({ operation: _operation, ...stack }: StackRecord) => stack;

/** AWS CloudFormation: stacks of the resource types the labs use. */
export const cloudformation: ServiceDefinition = {
  build: ({ services }) => {
    const cloudformation = new CloudFormationService(services);
    return {
      service: {
        name: 'cloudformation',
        // A TemplateBody is at most 51,200 bytes (larger templates come by TemplateURL), form-encoded up to
        // three times that. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
        maxBodyBytes: MiB,
        protocol: {
          kind: 'query',
          title: 'CloudFormation',
          xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
          actions: cloudformation.actions,
        },
        snapshot: () => {
          const { stacks, deleted } = cloudformation.saved();
          return { stacks: new Map([...stacks].map(([name, stack]) => [name, savedStack(stack)])), deleted: deleted.map(savedStack) };
        },
        restore: (saved) => cloudformation.restore(saved),
        reset: () => cloudformation.reset(),
        // Operations in progress finish while the services they create resources in still run.
        shutdown: () => cloudformation.settled(),
      },
      provides: { cloudformation },
    };
  },
};
