// What the StepCode component does in the browser: it reads the view the build computed for its
// step (src/plugins/step-code-views.ts, from step-view.ts, which also encodes it) and unfolds it
// as the learner asks.
// Nothing here parses or diffs a solution: that code and the solution's text stay out of the page.

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
 * One stretch of a step's rows, over the learner's file before the step: `c`ontext, `f`olded or
 * `r`emoved, each a count of that file's next lines; `a`dded, with its lines (the only text the
 * step brings).
 */
export type Op = ['c' | 'f' | 'r', number] | ['a', ...string[]];

/**
 * The step views of one file as a page carries them: the file before the first step, then each
 * step's rows as ops over the file before it. The file after a step is what its rows leave, so
 * each step's text travels once, however many steps show it.
 */
export interface StepChain {
  start: string;
  steps: Op[][];
}

const KIND_OF_OP = { c: 'context', r: 'remove' } as const;

/** Step `step`'s view, rows and counts as the build made them, replayed from the chain's start. */
export function viewAtStep({ start, steps }: StepChain, step: number): StepView {
  let view: StepView = { rows: [], after: start, added: 0, removed: 0 };
  for (const ops of steps.slice(0, step)) view = nextView(view.after, ops);
  return view;
}

function nextView(before: string, ops: Op[]): StepView {
  const lines = before.split('\n');
  const kept: string[] = [];
  const rows: Row[] = [];
  let next = 0;
  let added = 0;
  let removed = 0;
  for (const [code, ...rest] of ops) {
    if (code === 'a') {
      for (const text of rest as string[]) rows.push({ kind: 'add', text });
      kept.push(...(rest as string[]));
      added += rest.length;
      continue;
    }
    const taken = lines.slice(next, next + (rest[0] as number));
    next += taken.length;
    if (code === 'r') removed += taken.length;
    else kept.push(...taken);
    if (code === 'f') rows.push({ kind: 'fold', id: rows.length, lines: taken });
    else for (const text of taken) rows.push({ kind: KIND_OF_OP[code], text });
  }
  // What the rows leave out at the end (the empty "line" after the file's last newline) is unchanged.
  return { rows, after: [...kept, ...lines.slice(next)].join('\n'), added, removed };
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

/** The code the rows show, as it is highlighted: a fold reads as a comment. */
export function highlightedCode(rows: Row[]): string {
  return rows.map((row) => (row.kind === 'fold' ? `// ${foldLabel(row)}` : row.text)).join('\n');
}
