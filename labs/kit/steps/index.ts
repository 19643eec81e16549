// How a lab's annotated solution (labs/<lab>/solution/stack.ts) becomes what the learner types:
// their labs/<lab>/stack.ts after each step, and the changes each step shows.
import { sourceAtStep } from './annotated-source.ts';
import { type Hunk, stepHunks } from './changes.ts';
import { relocateSource } from './relocate.ts';

export { lastStep, parseAnnotatedSource, StepAnnotationError, sourceAtStep } from './annotated-source.ts';
export { applyHunks, type ChangeLine, type Hunk, HunkPlacementError, stepHunks } from './changes.ts';
export { relativeSpecifier, relocateSource } from './relocate.ts';

/** Where the annotated solution sits, relative to the lab's folder (where the learner's file is). */
export const SOLUTION_DIR = 'solution';

/** The learner's `labs/<lab>/stack.ts` after `step` (step 0: the starter), cut from the annotated solution. */
export function learnerFileAtStep(annotatedSolution: string, step: number): string {
  return relocateSource(sourceAtStep(annotatedSolution, step), SOLUTION_DIR, '.');
}

/** What step `step` asks the learner to change in their stack.ts. */
export function stepChanges(annotatedSolution: string, step: number): Hunk[] {
  return stepHunks(learnerFileAtStep(annotatedSolution, step - 1), learnerFileAtStep(annotatedSolution, step));
}
