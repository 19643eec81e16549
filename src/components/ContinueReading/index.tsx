import Link from '@docusaurus/Link';
import { useProgress } from '@site/src/components/ProgressProvider';
import { useState } from 'react';
import styles from './styles.module.css';

/** On the home page: a link back to where the learner was reading, and a way to start over. */
export default function ContinueReading() {
  const { available, progress, reset } = useProgress();
  const [confirming, setConfirming] = useState(false);
  if (!available || !progress) return null;
  const position = progress.position;
  const anyResults = Object.keys(progress.labs).length > 0;
  if (!position && !anyResults) return null;
  return (
    <div className={styles.continue} data-testid="continue-reading">
      {position && (
        <Link className="button button--primary" to={`${position.path}${position.anchor ? `#${position.anchor}` : ''}`}>
          Continue where you left off{position.title ? `: ${position.title}` : ''}
        </Link>
      )}
      {!confirming ? (
        <button type="button" className="button button--link button--sm" onClick={() => setConfirming(true)}>
          Reset my progress
        </button>
      ) : (
        <span className={styles.confirm}>
          Forget every checkpoint result and where you were reading?{' '}
          <button
            type="button"
            className="button button--danger button--sm"
            data-testid="reset-progress"
            onClick={() => reset().then(() => setConfirming(false))}
          >
            Reset
          </button>{' '}
          <button type="button" className="button button--secondary button--sm" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </span>
      )}
    </div>
  );
}
