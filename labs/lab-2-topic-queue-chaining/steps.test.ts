import { testLabSteps } from '../../src/engine/testing/lab-steps.ts';

testLabSteps('lab-2');
