// How a verify run goes through a lab's checkpoints: in the order the lab lists them, each
// reported as soon as it and those before it are done. A checkpoint marked `startEarly` starts
// with the run instead (or once the early ones it names are done), so that its waiting (a
// batching window, a worker's poll) overlaps the checks listed before it; its result still comes
// in its place.
import { CheckpointFailure } from '../../labs/kit/checkpoint.ts';
import { type LabContext, withLabContext } from '../../labs/kit/context.ts';
import { type Checkpoint, earlyStartProblem } from '../../labs/kit/lab.ts';
import { errorOf } from './events.ts';

export interface CheckpointResult {
  ok: boolean;
  /** The checkpoint's line of detail when it passed; what it found when it failed. */
  detail?: string;
  /** From the checkpoint's own start to its end. */
  durationMs: number;
}

/** Runs one checkpoint in `context`. Never rejects: a checkpoint's failure is its result. */
async function attempt(checkpoint: Checkpoint, context: LabContext): Promise<CheckpointResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const detail = await withLabContext(context, () => checkpoint.run());
    return { ok: true, detail: detail || undefined, durationMs: took() };
  } catch (error) {
    const failed = error instanceof CheckpointFailure || (error as Error).name === 'CheckpointFailure';
    return { ok: false, detail: failed ? (error as Error).message : errorOf(error).message, durationMs: took() };
  }
}

/** Runs `checkpoints`, calling `done` for each in their order; resolves when all are done. */
export async function runCheckpoints(
  checkpoints: Checkpoint[],
  context: LabContext,
  done: (checkpoint: Checkpoint, result: CheckpointResult) => void,
): Promise<void> {
  // An early checkpoint waits only for early ones of its step listed before it: defineLab refuses a
  // lab otherwise, and a list made otherwise is refused here, before anything starts.
  const problem = earlyStartProblem(checkpoints);
  if (problem) throw new Error(problem);
  const early = new Map<string, Promise<CheckpointResult>>();
  for (const checkpoint of checkpoints) {
    const { startEarly } = checkpoint;
    if (!startEarly) continue;
    const before = startEarly === true ? [] : startEarly.after.map((id) => early.get(id)!);
    early.set(
      checkpoint.id,
      before.length === 0 ? attempt(checkpoint, context) : Promise.all(before).then(() => attempt(checkpoint, context)),
    );
  }
  for (const checkpoint of checkpoints) done(checkpoint, await (early.get(checkpoint.id) ?? attempt(checkpoint, context)));
}
