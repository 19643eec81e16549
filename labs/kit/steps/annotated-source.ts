// A lab's solution is one annotated file: the finished stack, with comments that say in which
// step each line arrives (and, for code a later step replaces, in which step it leaves). "The
// learner's file after step N" is cut from it. No imports: the site and the engine share it.
//
//   import * as sns from 'aws-cdk-lib/aws-sns'; // #step 1         one line, from step 1 on
//   // #region step 3                                               a block, from step 3 on
//   ...
//   // #endregion
//   // #region step 3, replaced in step 4                           a block of steps 3..3 only,
//   // topic.addSubscription(new LambdaSubscription(fn));            written commented out because
//   // #endregion                                                   the finished file has it not
//
// The finished file compiles as it is (markers are comments), so an author keeps their editor's
// help; lines that a later step replaces are uncommented only in the steps that have them.

/** A malformed annotation, with the line it is on (1-based). */
export class StepAnnotationError extends Error {
  override name = 'StepAnnotationError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Steps in which a line exists: from `from` on, and before `until` when it is replaced. */
interface Span {
  from: number;
  until: number;
}

interface AnnotatedLine {
  text: string;
  span: Span;
  /** The line is written commented out (code of earlier steps only) and is uncommented when cut. */
  commented: boolean;
}

// "N" or "N, replaced in step M", after "#region step" or "#step".
const STEPS = String.raw`(\d+)(?:\s*,\s*replaced\s+in\s+step\s+(\d+))?\s*$`;
const REGION_OPEN = /^\s*\/\/\s*#region\b\s*(.*)$/;
const REGION_SPEC = new RegExp(String.raw`^step\s+${STEPS}`);
const REGION_CLOSE = /^\s*\/\/\s*#endregion\b/;
const TRAILING = /\s*\/\/\s*#step\b\s*(.*)$/;
const TRAILING_SPEC = new RegExp(`^${STEPS}`);
const COMMENTED = /^(\s*)\/\/ ?(.*)$/;

function spanOf(match: RegExpExecArray, line: number): Span {
  const from = Number(match[1]);
  const until = match[2] === undefined ? Number.POSITIVE_INFINITY : Number(match[2]);
  if (until <= from)
    throw new StepAnnotationError(`a line cannot be replaced in step ${until}, before or when it arrives (step ${from})`, line);
  return { from, until };
}

/** Reads an annotated source into its lines, each with the steps it exists in. */
export function parseAnnotatedSource(source: string): AnnotatedLine[] {
  const stack: { span: Span; line: number }[] = [];
  const lines: AnnotatedLine[] = [];
  source.split('\n').forEach((raw, index) => {
    const number = index + 1;
    const open = REGION_OPEN.exec(raw);
    if (open) {
      const spec = REGION_SPEC.exec(open[1].trim());
      if (!spec)
        throw new StepAnnotationError(
          `"#region ${open[1].trim()}" is not "#region step N" or "#region step N, replaced in step M"`,
          number,
        );
      const span = spanOf(spec, number);
      const outer = stack.at(-1)?.span;
      if (outer && (span.from < outer.from || span.until > outer.until)) {
        throw new StepAnnotationError(`a region of steps ${describe(span)} cannot sit inside one of steps ${describe(outer)}`, number);
      }
      stack.push({ span, line: number });
      return;
    }
    if (REGION_CLOSE.test(raw)) {
      if (!stack.pop()) throw new StepAnnotationError('#endregion without a #region', number);
      return;
    }
    let text = raw;
    let span: Span = stack.at(-1)?.span ?? { from: 0, until: Number.POSITIVE_INFINITY };
    const trailing = TRAILING.exec(raw);
    if (trailing) {
      const spec = TRAILING_SPEC.exec(trailing[1].trim());
      if (!spec) throw new StepAnnotationError(`"#step ${trailing[1].trim()}" is not "#step N" or "#step N, replaced in step M"`, number);
      const own = spanOf(spec, number);
      if (own.from < span.from || own.until > span.until)
        throw new StepAnnotationError(`a line of steps ${describe(own)} cannot sit inside a region of steps ${describe(span)}`, number);
      span = own;
      text = raw.slice(0, trailing.index).trimEnd();
    }
    const commented = Number.isFinite(span.until);
    if (commented && text.trim() !== '' && !COMMENTED.test(text)) {
      throw new StepAnnotationError(
        `code that step ${span.until} replaces is not in the finished file, so it is written commented out ("// ${text.trim()}")`,
        number,
      );
    }
    lines.push({ text, span, commented });
  });
  const open = stack.pop();
  if (open) throw new StepAnnotationError('#region without an #endregion', open.line);
  return lines;
}

function describe(span: Span): string {
  return Number.isFinite(span.until) ? `${span.from}..${span.until - 1}` : `${span.from}..`;
}

/** The highest step the annotations name (0 for a source without any). */
export function lastStep(source: string): number {
  let last = 0;
  for (const { span } of parseAnnotatedSource(source)) {
    last = Math.max(last, span.from, Number.isFinite(span.until) ? span.until : 0);
  }
  return last;
}

/** The file as it is after `step`: lines of later steps left out, markers removed. */
export function sourceAtStep(source: string, step: number): string {
  const kept: string[] = [];
  for (const line of parseAnnotatedSource(source)) {
    if (step < line.span.from || step >= line.span.until) continue;
    kept.push(line.commented ? line.text.replace(COMMENTED, '$1$2').trimEnd() : line.text);
  }
  return kept.join('\n');
}
