import { learnerFileAtStep, stepChanges } from '../../../labs/kit/steps/index.ts';

/** One line of the step view: unchanged, added, removed, or a fold of unchanged lines. */
export type Row = { kind: 'context' | 'add' | 'remove'; text: string } | { kind: 'fold'; id: number; lines: string[] };

/** What a step's code view shows: its changes in the learner's file, and the file after it. */
export interface StepView {
  rows: Row[];
  /** The learner's stack.ts after the step (what "Copy the file" copies). */
  after: string;
  added: number;
  removed: number;
}

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

/** The rows to draw, with the folds in `open` unfolded into their lines. */
export function visibleRows(rows: Row[], open: ReadonlySet<number> | 'all'): Row[] {
  return rows.flatMap((row): Row[] =>
    row.kind === 'fold' && (open === 'all' || open.has(row.id)) ? row.lines.map((text) => ({ kind: 'context', text })) : [row],
  );
}

/** The text a fold stands for on screen. */
export function foldLabel(row: Extract<Row, { kind: 'fold' }>): string {
  return `⋯ ${row.lines.length} unchanged line${row.lines.length === 1 ? '' : 's'}`;
}
