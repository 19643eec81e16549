import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { type LabEvent, streamOperation } from '@site/src/lib/lab-api';
import { announceLabChange } from '@site/src/lib/progress';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { useState } from 'react';
import { type ResourceRow, resourceRows } from './deploy.utils';
import styles from './styles.module.css';

type Props = {
  lab: string;
  /** Offer "deploy the solution up to this step" beside deploying your own stack.ts. */
  step?: number;
};

type Done = Extract<LabEvent, { type: 'done' }>;

/** Deploys (or destroys) the lab's stack and shows progress, then the outputs or what went wrong. */
export default function Deploy({ lab, step }: Props) {
  const mode = useLabApiMode();
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const [messages, setMessages] = useState<string[]>([]);
  const [resources, setResources] = useState<ResourceRow[]>([]);
  const [result, setResult] = useState<Done>();
  const solution = `npx workshop deploy ${lab} --solution${step ? ` --step ${step}` : ''}`;
  if (mode === 'static') {
    return (
      <LabPanel title="Deploy">
        <CliCommand
          command={`npx workshop deploy ${lab}`}
          note="Deploy your stack from a terminal at the project root (this page has no lab API behind it):"
        />
        <CliCommand command={solution} note="Or deploy the solution:" />
      </LabPanel>
    );
  }
  const start = async (operation: 'deploy' | 'destroy', body: object) => {
    setState('running');
    setMessages([]);
    setResources([]);
    setResult(undefined);
    await streamOperation(`/labs/${lab}/${operation}`, body, (event) => {
      if (event.type === 'progress') setMessages((all) => [...all, event.message]);
      if (event.type === 'resource') setResources((rows) => resourceRows(rows, event));
      if (event.type === 'done') {
        setResult(event);
        setState(event.ok ? 'done' : 'failed');
        announceLabChange(lab, 'deploy');
      }
    }).catch((error: Error) => {
      setResult({ type: 'done', ok: false, durationMs: 0, error: { code: 'NetworkError', message: error.message } });
      setState('failed');
    });
  };
  const busy = mode !== 'live' || state === 'running';
  return (
    <LabPanel
      title="Deploy"
      subtitle={<code>npx workshop deploy {lab}</code>}
      state={state}
      actions={
        <>
          <button
            type="button"
            className="button button--primary button--sm"
            disabled={busy}
            onClick={() => start('deploy', { solution: false })}
            data-testid={`deploy-${lab}`}
          >
            Deploy
          </button>
          <button
            type="button"
            className="button button--secondary button--sm"
            disabled={busy}
            onClick={() => start('deploy', { solution: true, ...(step ? { step } : {}) })}
            data-testid={`deploy-solution-${lab}`}
          >
            {step ? `Deploy solution (step ${step})` : 'Deploy solution'}
          </button>
          <button
            type="button"
            className="button button--outline button--danger button--sm"
            disabled={busy}
            onClick={() => start('destroy', {})}
            data-testid={`destroy-${lab}`}
          >
            Destroy
          </button>
        </>
      }
    >
      <div className={styles.status} data-testid={`deploy-status-${lab}`} data-state={state} aria-live="polite">
        {messages.length > 0 && <div className={styles.message}>{messages.at(-1)}</div>}
        {resources.length > 0 && (
          <ul className={styles.resources}>
            {resources.map((row) => (
              <li key={row.logicalId} className={styles[row.tone]}>
                <span className={styles.mark}>{row.tone === 'failed' ? '✗' : row.tone === 'complete' ? '✓' : '…'}</span>
                <span className={styles.id}>{row.logicalId}</span>
                <span className={styles.type}>{row.resourceType}</span>
                <span>{row.status}</span>
                {row.reason && row.tone === 'failed' && <div className={styles.reason}>{row.reason}</div>}
              </li>
            ))}
          </ul>
        )}
        {result?.ok && (
          <div className={styles.done}>
            ✓ Done in {result.durationMs} ms
            {result.outputs && Object.keys(result.outputs).length > 0 && (
              <dl className={styles.outputs}>
                {Object.entries(result.outputs).map(([key, value]) => (
                  <div key={key}>
                    <dt>{key}</dt>
                    <dd>
                      <code>{value}</code>
                      {result.localUrls?.[key] && (
                        <div className={styles.local}>
                          local: <code>{result.localUrls[key]}</code>
                        </div>
                      )}
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </div>
        )}
        {result?.error && (
          <div className={styles.error} role="alert">
            ✗ {result.error.resource && <strong>{result.error.resource}: </strong>}
            {result.error.message}
          </div>
        )}
      </div>
    </LabPanel>
  );
}
