import type { RunRecord } from './store.ts';
import type { ClassSnapshot } from './types.ts';

const iso = (time: number | null) => (time === null ? '' : new Date(time).toISOString());

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function cell(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The class as a spreadsheet: one row per learner and checkpoint of every lab, with where they
 * stand (pass, fail, or not run), how many attempts, when it first passed.
 */
export function classCsv(snapshot: ClassSnapshot): string {
  const header = [
    'learner',
    'prefix',
    'lab',
    'step',
    'checkpoint',
    'status',
    'attempts',
    'first_passed_at',
    'last_run_at',
    'failing_since',
    'duration_ms',
  ];
  const rows = [header.join(',')];
  for (const learner of snapshot.learners) {
    for (const lab of snapshot.labs) {
      for (const checkpoint of lab.checkpoints) {
        const state = learner.results[lab.id]?.[checkpoint.id];
        rows.push(
          [
            learner.name,
            learner.prefix,
            lab.id,
            checkpoint.step,
            checkpoint.id,
            state ? (state.ok ? 'pass' : 'fail') : 'not run',
            state?.attempts ?? 0,
            iso(state?.firstPassedAt ?? null),
            iso(state?.at ?? null),
            iso(state?.failingSince ?? null),
            state?.durationMs ?? null,
          ]
            .map(cell)
            .join(','),
        );
      }
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

/** The class as JSON: the snapshot, and every run received (the history behind it). */
export function classJson(snapshot: ClassSnapshot, runs: RunRecord[]): string {
  const names = new Map(snapshot.learners.map((l) => [l.id, l.name]));
  return JSON.stringify(
    { exportedAt: iso(snapshot.now), ...snapshot, runs: runs.map((run) => ({ ...run, learner: names.get(run.learnerId) ?? null })) },
    null,
    2,
  );
}
