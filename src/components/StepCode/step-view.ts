// The step view, computed when the site is built (src/plugins/step-code-views.ts): it cuts the
// learner's file after a step from the lab's annotated solution and diffs it with the file before.
// Kept out of the page's code: nothing of it changes while the site runs.
import { lastStep, learnerFileAtStep, stepChanges } from '../../../labs/kit/steps/index.ts';
import type { Op, Row, StepChain, StepView } from './step-code.utils.ts';

/**
 * The learner's stack.ts after `step` as rows: the step's changes with their context, and the
 * unchanged stretches between them folded (each fold keeps its lines, to unfold in place).
 */
export function stepView(annotatedSolution: string, step: number): StepView {
  const after = learnerFileAtStep(annotatedSolution, step);
  const lines = after.split('\n');
  const rows: Row[] = [];
  let next = 0;
  let added = 0;
  let removed = 0;
  const fold = (end: number) => {
    if (end > next) rows.push({ kind: 'fold', id: rows.length, lines: lines.slice(next, end) });
  };
  for (const hunk of stepChanges(annotatedSolution, step)) {
    fold(hunk.newStart);
    for (const line of hunk.lines) {
      rows.push({ kind: line.kind, text: line.text });
      if (line.kind === 'add') added++;
      if (line.kind === 'remove') removed++;
    }
    next = hunk.newStart + hunk.lines.filter((l) => l.kind !== 'remove').length;
  }
  // A file ends with a newline: its last "line" is empty, and not worth showing.
  const end = lines.at(-1) === '' ? lines.length - 1 : lines.length;
  fold(end);
  if (next > end && rows.at(-1)?.kind === 'context') rows.pop();
  return { rows, after, added, removed };
}

/** Every step's view of the learner's file, as a page carries them (see `StepChain`). */
export function stepChain(annotatedSolution: string): StepChain {
  const steps = Array.from({ length: lastStep(annotatedSolution) }, (_, i) => stepView(annotatedSolution, i + 1));
  return encodeStepChain(learnerFileAtStep(annotatedSolution, 0), steps);
}

/** One step's rows as ops over the file before it (`views[i]` is step i + 1; the build calls this). */
export function encodeStepChain(start: string, views: StepView[]): StepChain {
  const steps = views.map((view) => {
    const ops: Op[] = [];
    const push = (code: 'c' | 'f' | 'r', count: number) => {
      const last = ops.at(-1);
      // Neighbouring rows of a kind join into one op; a fold stands alone, to unfold on its own.
      if (code !== 'f' && last?.[0] === code) last[1] = (last[1] as number) + count;
      else ops.push([code, count]);
    };
    for (const row of view.rows) {
      if (row.kind === 'fold') push('f', row.lines.length);
      else if (row.kind === 'add') {
        const last = ops.at(-1);
        if (last?.[0] === 'a') last.push(row.text);
        else ops.push(['a', row.text]);
      } else push(row.kind === 'remove' ? 'r' : 'c', 1);
    }
    return ops;
  });
  return { start, steps };
}
