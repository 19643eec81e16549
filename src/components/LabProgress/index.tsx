import { useProgress } from '@site/src/components/ProgressProvider';
import { standing } from '@site/src/lib/progress';
import styles from './styles.module.css';

/** A lab's progress on its home-page card: checkpoints passed, steps done, what was last deployed. */
export default function LabProgress({ lab }: { lab: string }) {
  const { available, labs, progress } = useProgress();
  const summary = labs.find((l) => l.id === lab);
  if (!available || !summary || summary.checkpoints.length === 0) return null;
  const { passed, total, stepsDone, done } = standing(summary, progress, lab);
  const last = progress?.labs[lab]?.lastDeploy;
  return (
    <div className={styles.progress} data-testid={`lab-progress-${lab}`} data-passed={passed} data-total={total}>
      <div
        className={styles.bar}
        role="progressbar"
        aria-label={`${summary.title}: checkpoints passed`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={passed}
      >
        <span style={{ width: `${(100 * passed) / total}%` }} />
      </div>
      <div className={styles.text}>
        {done ? '✓ done: ' : ''}
        {passed} of {total} checkpoints pass
        {stepsDone.length > 0 && !done ? ` · step${stepsDone.length > 1 ? 's' : ''} ${stepsDone.join(', ')} done` : ''}
      </div>
      {last && (
        <div className={styles.text}>
          {last.what === 'destroy' ? 'destroyed' : `deployed ${last.what}`}
          {last.ok ? '' : ' (failed)'}
        </div>
      )}
    </div>
  );
}
