import { type ClassLab, type ClassSnapshot, mostCommonFailure, pacing } from '@site/src/lib/class-dashboard';
import styles from './styles.module.css';

type Props = {
  snapshot: ClassSnapshot;
  lab: ClassLab;
  onRelease: (released: boolean) => void;
  busy?: boolean;
};

/** One lab for the room: how many are through each step, the checkpoint most fail and its hint, and its solution's release. */
export default function Pacing({ snapshot, lab, onRelease, busy }: Props) {
  const steps = pacing(snapshot, lab);
  const common = mostCommonFailure(snapshot, lab);
  return (
    <section className={styles.pacing} data-testid={`class-pacing-${lab.id}`}>
      <header>
        <h2>
          {lab.id.replace('lab-', 'Lab ')}: {lab.title}
        </h2>
        <div className={styles.release} data-testid={`class-release-${lab.id}`} data-released={String(lab.releasedAt !== null)}>
          <span>
            {lab.releasedAt === null
              ? 'Solution held back'
              : `Solution released at ${new Date(lab.releasedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`}
          </span>
          <button
            type="button"
            className={`button button--sm ${lab.releasedAt === null ? 'button--primary' : 'button--secondary'}`}
            disabled={busy}
            onClick={() => onRelease(lab.releasedAt === null)}
          >
            {lab.releasedAt === null ? 'Release the solution' : 'Hold it back'}
          </button>
        </div>
      </header>
      <p className={styles.explain}>
        {lab.releasedAt === null
          ? 'Learners in this class cannot deploy the solution yet ("Deploy solution", npx workshop deploy --solution); the steps still show the code to add.'
          : 'Learners can deploy the solution now.'}
      </p>
      <ol className={styles.steps}>
        {steps.map((step) => (
          <li key={step.n} data-testid={`class-pacing-${lab.id}-step-${step.n}`} data-through={step.through}>
            <span className={styles.stepTitle}>
              {step.n}. {step.title}
            </span>
            <span className={styles.bar} aria-hidden="true">
              <span style={{ width: `${step.of === 0 ? 0 : (100 * step.through) / step.of}%` }} />
            </span>
            <span className={styles.count}>
              {step.through}/{step.of}
            </span>
          </li>
        ))}
      </ol>
      {common ? (
        <div className={styles.common} data-testid={`class-common-${lab.id}`}>
          Most common failure: <strong>{common.checkpoint.title}</strong> (step {common.checkpoint.step}), for {common.learners.length}:{' '}
          {common.learners.join(', ')}.<div className={styles.hint}>Hint: {common.checkpoint.hint}</div>
        </div>
      ) : (
        <p className={styles.explain}>No checkpoint of this lab is failing right now.</p>
      )}
    </section>
  );
}
