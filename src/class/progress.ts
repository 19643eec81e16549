import type { CheckpointState } from './types.ts';

/**
 * Folds one result of a checkpoint into where the learner stands on it. Reports can arrive late
 * and out of order (queued while offline): an older result counts as an attempt and can move the
 * first pass earlier, but never replaces a newer result.
 */
export function foldResult(
  previous: CheckpointState | undefined,
  result: { ok: boolean; at: number; durationMs: number },
): CheckpointState {
  const attempts = (previous?.attempts ?? 0) + 1;
  const firstPassedAt = result.ok
    ? Math.min(previous?.firstPassedAt ?? Number.POSITIVE_INFINITY, result.at)
    : (previous?.firstPassedAt ?? null);
  if (previous && result.at < previous.at) return { ...previous, attempts, firstPassedAt };
  const failingSince = result.ok ? null : previous && !previous.ok ? (previous.failingSince ?? result.at) : result.at;
  return { ok: result.ok, at: result.at, durationMs: result.durationMs, attempts, failingSince, firstPassedAt };
}
