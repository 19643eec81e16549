// What a step asks the learner to type: the lines it adds and removes, each change shown with
// enough unchanged lines around it to find the place in their file. The page draws these; the
// step-typing test applies them to the starter the way a learner would, by finding the context.

export type ChangeLine = { kind: 'context' | 'add' | 'remove'; text: string };

/** One place in the file: unchanged lines around added and removed ones. */
export interface Hunk {
  /** Index (0-based) of the hunk's first line in the file before the step. */
  oldStart: number;
  /** Index (0-based) of the hunk's first line in the file after the step. */
  newStart: number;
  lines: ChangeLine[];
}

type Edit = { kind: 'same' | 'add' | 'remove'; text: string };

/** The shortest edit turning `before` into `after`, line by line (longest common subsequence). */
function diffLines(before: string[], after: string[]): Edit[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j]: length of the longest common subsequence of before[i..] and after[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = before[i] === after[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      edits.push({ kind: 'same', text: before[i++] });
      j++;
    } else if (j === m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
      // On a tie, removals come first, so that a replaced line reads "- old" then "+ new".
      edits.push({ kind: 'remove', text: before[i++] });
    } else {
      edits.push({ kind: 'add', text: after[j++] });
    }
  }
  return edits;
}

/** How many times `needle` occurs in `lines` as consecutive lines. */
function occurrences(lines: string[], needle: string[]): number[] {
  const found: number[] = [];
  for (let start = 0; start + needle.length <= lines.length; start++) {
    if (needle.every((line, k) => lines[start + k] === line)) found.push(start);
  }
  return found;
}

const isBlank = (line: string) => line.trim() === '';

/**
 * The changes from `before` to `after` as hunks. Each hunk carries at least `minContext` unchanged
 * lines on each side (fewer at the ends of the file), more when needed until the lines it expects
 * to find (context and removed lines) occur exactly once in `before`.
 */
export function stepHunks(before: string, after: string, minContext = 2): Hunk[] {
  const old = before.split('\n');
  const edits = diffLines(old, after.split('\n'));
  // Groups of consecutive changes, with their position in the edit list.
  const groups: { start: number; end: number }[] = [];
  edits.forEach((edit, index) => {
    if (edit.kind === 'same') return;
    const last = groups.at(-1);
    if (last && last.end === index) last.end = index + 1;
    else groups.push({ start: index, end: index + 1 });
  });
  const hunks: { start: number; end: number }[] = [];
  for (const group of groups) {
    let context = minContext;
    let start: number;
    let end: number;
    for (;;) {
      start = extend(edits, group.start, -context);
      end = extend(edits, group.end, context);
      const expected = edits
        .slice(start, end)
        .filter((e) => e.kind !== 'add')
        .map((e) => e.text);
      const atEdges = start === 0 && end === edits.length;
      if (atEdges || (expected.some((line) => !isBlank(line)) && occurrences(old, expected).length === 1)) break;
      context++;
    }
    const previous = hunks.at(-1);
    if (previous && start <= previous.end) previous.end = Math.max(previous.end, end);
    else hunks.push({ start, end });
  }
  return hunks.map(({ start, end }) => {
    const oldStart = edits.slice(0, start).filter((e) => e.kind !== 'add').length;
    const newStart = edits.slice(0, start).filter((e) => e.kind !== 'remove').length;
    const lines = edits.slice(start, end).map((e): ChangeLine => ({ kind: e.kind === 'same' ? 'context' : e.kind, text: e.text }));
    return { oldStart, newStart, lines };
  });
}

/** Moves `count` unchanged lines away from `index` (negative: backwards), stopping at changes' far side. */
function extend(edits: Edit[], index: number, count: number): number {
  let position = index;
  let remaining = Math.abs(count);
  const step = Math.sign(count);
  while (remaining > 0) {
    const next = step < 0 ? position - 1 : position;
    if (next < 0 || next >= edits.length) break;
    position += step;
    if (edits[next].kind === 'same') remaining--;
  }
  return position;
}

/** A hunk that cannot be placed: its lines are not in the file, or are in it more than once. */
export class HunkPlacementError extends Error {
  override name = 'HunkPlacementError';
}

/**
 * Applies hunks the way a learner does: finds the hunk's unchanged and removed lines in the file
 * (they must occur exactly once), and puts the added lines in place of the removed ones.
 */
export function applyHunks(file: string, hunks: Hunk[]): string {
  let lines = file.split('\n');
  for (const [index, hunk] of hunks.entries()) {
    const expected = hunk.lines.filter((l) => l.kind !== 'add').map((l) => l.text);
    const places = occurrences(lines, expected);
    if (places.length !== 1) {
      const where =
        places.length === 0 ? 'is not in the file' : `is in the file ${places.length} times (lines ${places.map((p) => p + 1).join(', ')})`;
      throw new HunkPlacementError(`Change ${index + 1} cannot be placed: the text around it ${where}:\n${expected.join('\n')}`);
    }
    const replacement = hunk.lines.filter((l) => l.kind !== 'remove').map((l) => l.text);
    lines = [...lines.slice(0, places[0]), ...replacement, ...lines.slice(places[0] + expected.length)];
  }
  return lines.join('\n');
}
