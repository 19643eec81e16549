import { type ClassLab, type ClassSnapshot, formatDuration, type LearnerState, labProgress } from '@site/src/lib/class-dashboard';
import clsx from 'clsx';
import styles from './styles.module.css';

type Props = {
  snapshot: ClassSnapshot;
  now: number;
  /** A checkpoint failing longer than this is marked stuck. */
  stuckAfterMs: number;
  focus?: string;
  onFocus: (lab: string) => void;
  onRemove: (learner: LearnerState) => void;
};

type Cell = { state: 'pass' | 'fail' | 'stuck' | 'none'; mark: string; title: string };

function cellOf(
  learner: LearnerState,
  lab: ClassLab,
  checkpoint: ClassLab['checkpoints'][number],
  now: number,
  stuckAfterMs: number,
): Cell {
  const result = learner.results[lab.id]?.[checkpoint.id];
  const name = `${lab.id} step ${checkpoint.step}: ${checkpoint.title}`;
  if (!result) return { state: 'none', mark: '·', title: `${name} — not run yet` };
  const attempts = `${result.attempts} run${result.attempts === 1 ? '' : 's'}`;
  if (result.ok) return { state: 'pass', mark: '✓', title: `${name} — passes (${attempts}, last ${formatDuration(now - result.at)} ago)` };
  const failing = now - (result.failingSince ?? result.at);
  return {
    state: failing >= stuckAfterMs ? 'stuck' : 'fail',
    mark: '✗',
    title: `${name} — failing for ${formatDuration(failing)} (${attempts}). Hint: ${checkpoint.hint}`,
  };
}

/** Learners × labs × checkpoints: ✓ passes, ✗ fails (amber when stuck), · not run; each learner's preflight. */
export default function Grid({ snapshot, now, stuckAfterMs, focus, onFocus, onRemove }: Props) {
  if (snapshot.learners.length === 0) {
    return (
      <p className={styles.empty} data-testid="class-empty">
        No learner has joined yet. They join with the command <code>npx workshop class start</code> printed, or the Join box on the site's
        home page.
      </p>
    );
  }
  return (
    <div className={styles.scroll}>
      <table className={styles.grid} data-testid="class-grid">
        <thead>
          <tr>
            <th rowSpan={2}>Learner</th>
            <th rowSpan={2}>Preflight</th>
            {snapshot.labs.map((lab) => (
              <th key={lab.id} colSpan={lab.checkpoints.length + 1} className={clsx(styles.lab, lab.id === focus && styles.focused)}>
                <button
                  type="button"
                  className={styles.labButton}
                  onClick={() => onFocus(lab.id)}
                  title={`${lab.title}: pacing, most common failure, notes`}
                >
                  {lab.id.replace('lab-', 'Lab ')}
                </button>
              </th>
            ))}
          </tr>
          <tr>
            {snapshot.labs.flatMap((lab) => [
              ...lab.checkpoints.map((checkpoint) => (
                <th key={`${lab.id}/${checkpoint.id}`} className={styles.checkpoint} title={`step ${checkpoint.step}: ${checkpoint.title}`}>
                  {checkpoint.step}
                </th>
              )),
              <th key={`${lab.id}/total`} className={styles.total}>
                ∑
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {snapshot.learners.map((learner) => (
            <tr key={learner.id} className={clsx(learner.leftAt !== null && styles.left)} data-testid={`class-row-${learner.name}`}>
              <th scope="row" className={styles.name}>
                <span>{learner.name}</span>
                <small>
                  {learner.prefix ?? ''}
                  {learner.leftAt !== null ? ' · left' : ` · seen ${formatDuration(now - learner.lastSeenAt)} ago`}
                </small>
                <button
                  type="button"
                  className={styles.remove}
                  onClick={() => onRemove(learner)}
                  title={`Remove ${learner.name} from the class (frees the name)`}
                  aria-label={`Remove ${learner.name}`}
                >
                  ×
                </button>
              </th>
              <td className={styles.preflight}>
                <Preflight learner={learner} />
              </td>
              {snapshot.labs.flatMap((lab) => {
                const progress = labProgress(learner, lab);
                return [
                  ...lab.checkpoints.map((checkpoint) => {
                    const cell = cellOf(learner, lab, checkpoint, now, stuckAfterMs);
                    return (
                      <td
                        key={`${lab.id}/${checkpoint.id}`}
                        className={clsx(styles.cell, styles[cell.state])}
                        title={cell.title}
                        data-testid={`class-cell-${learner.name}-${lab.id}-${checkpoint.id}`}
                        data-state={cell.state}
                      >
                        {cell.mark}
                      </td>
                    );
                  }),
                  <td key={`${lab.id}/total`} className={styles.total}>
                    {progress.started ? `${progress.passed}/${progress.total}` : ''}
                  </td>,
                ];
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A learner's preflight: ✓ or the number of problems; the checks, with their fixes, on opening. */
function Preflight({ learner }: { learner: LearnerState }) {
  const preflight = learner.preflight;
  if (!preflight) return <span className={styles.pending}>not yet</span>;
  const problems = preflight.checks.filter((c) => !c.ok);
  return (
    <details data-testid={`class-preflight-${learner.name}`} data-ok={String(preflight.ok)}>
      <summary className={preflight.ok ? styles.pass : styles.fail}>
        {preflight.ok ? `✓ ${preflight.target.kind}` : `✗ ${problems.length} problem${problems.length === 1 ? '' : 's'}`}
      </summary>
      <ul className={styles.checks}>
        <li>
          Node.js {preflight.node}, target {preflight.target.kind} ({preflight.target.region})
        </li>
        {preflight.checks.map((check) => (
          <li key={check.id} className={check.ok ? styles.pass : styles.fail}>
            {check.ok ? '✓' : '✗'} {check.title}
            {check.detail && <span className={styles.detail}> — {check.detail}</span>}
            {!check.ok && check.fix && <div className={styles.fix}>{check.fix}</div>}
          </li>
        ))}
      </ul>
    </details>
  );
}
