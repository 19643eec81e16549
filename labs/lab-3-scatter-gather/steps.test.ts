import { testLabSteps } from '../../src/engine/testing/lab-steps.ts';

// Shorter waits than a learner's local values (providers within 2 s, the slow one after 7 s, the
// deadline at 5 s), in the same order: every provider answers before the deadline, the slow one
// after it. The checkpoints read the values from the stack; the browser test keeps the page's own.
testLabSteps('lab-3', { parameters: { ProviderMaxDelaySeconds: '1', SlowProviderDelaySeconds: '3', DeadlineSeconds: '2' } });
