import { formatDuration, type Stuck as StuckLearner } from '@site/src/lib/class-dashboard';
import styles from './styles.module.css';

type Props = {
  stuck: StuckLearner[];
  now: number;
  thresholdMinutes: number;
  onThreshold: (minutes: number) => void;
};

/** Who looks stuck and where: the checkpoint they keep failing (with its hint), or how long since their last progress. */
export default function Stuck({ stuck, now, thresholdMinutes, onThreshold }: Props) {
  return (
    <section className={styles.stuck} data-testid="class-stuck">
      <header>
        <h2>Stuck</h2>
        <label>
          after{' '}
          <select value={thresholdMinutes} onChange={(e) => onThreshold(Number(e.target.value))}>
            {[2, 5, 10, 15, 20, 30].map((m) => (
              <option key={m} value={m}>
                {m} min
              </option>
            ))}
          </select>{' '}
          on one checkpoint, or without progress
        </label>
      </header>
      {stuck.length === 0 ? (
        <p className={styles.none}>Nobody, for now.</p>
      ) : (
        <ul>
          {stuck.map((entry) => (
            <li key={entry.learner.id} data-testid={`class-stuck-${entry.learner.name}`}>
              <strong>{entry.learner.name}</strong>{' '}
              {entry.kind === 'failing' ? (
                <>
                  has been failing <em>{entry.checkpoint.title}</em> ({entry.lab.id}, step {entry.checkpoint.step}) for{' '}
                  {formatDuration(now - entry.since)}, {entry.attempts} run
                  {entry.attempts === 1 ? '' : 's'}.<div className={styles.hint}>Hint: {entry.checkpoint.hint}</div>
                </>
              ) : (
                <>has made no progress for {formatDuration(now - entry.since)}.</>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
