import { MiB, refill, type ServiceDefinition } from '../../service.ts';
import { StepFunctionsService } from './service.ts';

declare module '../../services.ts' {
  interface CloudServices {
    stepFunctions: StepFunctionsService;
  }
}

/** AWS Step Functions: state machines, and executions on the ASL interpreter. */
export const states: ServiceDefinition = {
  build: ({ settings, activity, services }) => {
    const stepFunctions = new StepFunctionsService({ activity, timeScale: settings.stepFunctionsTimeScale, services });
    return {
      service: {
        name: 'states',
        // Step Functions: at most 1 MB per request, headers included (a definition is at most 1 MB).
        // https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
        maxBodyBytes: 2 * MiB,
        protocol: {
          kind: 'json',
          title: 'Step Functions',
          targetPrefix: 'AWSStepFunctions',
          version: '1.0',
          actions: stepFunctions.actions,
        },
        snapshot: () => ({ machines: stepFunctions.machines, executions: stepFunctions.savedExecutions() }),
        restore: (saved) => {
          refill(stepFunctions.machines, saved.machines);
          refill(stepFunctions.executions, saved.executions);
          stepFunctions.restored();
        },
        // Running sagas stop first: none may compensate against resources the reset is removing.
        reset: () => stepFunctions.clear(),
        shutdown: () => stepFunctions.shutdown(),
      },
      provides: { stepFunctions },
    };
  },
};
