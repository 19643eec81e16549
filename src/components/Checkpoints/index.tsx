import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { type LabEvent, streamOperation } from '@site/src/lib/lab-api';
import { announceLabChange } from '@site/src/lib/progress';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { useState } from 'react';
import styles from './styles.module.css';

type Props = {
  lab: string;
  /** Only the checkpoints of this step; all of the lab's when absent. */
  step?: number;
};

type Result = Extract<LabEvent, { type: 'checkpoint' }>;

/** Runs the lab's checkpoints against what you deployed and shows ✓ or ✗ with a hint for each. */
export default function Checkpoints({ lab, step }: Props) {
  const mode = useLabApiMode();
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const [results, setResults] = useState<Result[]>([]);
  const [summary, setSummary] = useState<string>();
  const command = `npx workshop verify ${lab}${step ? ` --step ${step}` : ''}`;
  const title = step ? `Check step ${step}` : 'Check the whole lab';
  if (mode === 'static') {
    return (
      <LabPanel title={title}>
        <CliCommand
          command={command}
          note="Run the checkpoints from a terminal at the project root (this page has no lab API behind it):"
        />
      </LabPanel>
    );
  }
  const check = async () => {
    setState('running');
    setResults([]);
    setSummary(undefined);
    await streamOperation(`/labs/${lab}/verify`, step ? { step } : {}, (event) => {
      if (event.type === 'checkpoint') setResults((all) => [...all, event]);
      if (event.type === 'done') {
        setState(event.ok ? 'done' : 'failed');
        setSummary(event.error ? `✗ ${event.error.message}` : `${event.passed}/${event.total} checkpoints pass (${event.durationMs} ms)`);
        announceLabChange(lab, 'verify');
      }
    }).catch((error: Error) => {
      setState('failed');
      setSummary(`✗ ${error.message}`);
    });
  };
  return (
    <LabPanel
      title={title}
      subtitle={<code>{command}</code>}
      state={state}
      actions={
        <button
          type="button"
          className="button button--success button--sm"
          disabled={mode !== 'live' || state === 'running'}
          onClick={check}
          data-testid={`check-${lab}${step ? `-step-${step}` : ''}`}
        >
          {state === 'running' ? 'Checking…' : 'Check'}
        </button>
      }
    >
      {results.length > 0 && (
        <ul className={styles.results}>
          {results.map((result) => (
            <li
              key={result.id}
              className={result.ok ? styles.pass : styles.fail}
              data-testid={`checkpoint-${result.id}`}
              data-ok={String(result.ok)}
            >
              <span className={styles.mark} role="img" aria-label={result.ok ? 'passes' : 'fails'}>
                {result.ok ? '✓' : '✗'}
              </span>
              <div>
                <div>
                  <span className={styles.step}>step {result.step}</span> {result.title}
                </div>
                {result.detail && <div className={styles.detail}>{result.detail}</div>}
                {!result.ok && (
                  <div className={styles.hint}>
                    <strong>Hint:</strong> {result.hint}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {summary && (
        <div className={styles.summary} data-testid={`check-summary-${lab}`}>
          {summary}
        </div>
      )}
    </LabPanel>
  );
}
