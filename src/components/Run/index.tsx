import { useState } from 'react';
import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { streamOperation, type LabEvent } from '@site/src/lib/lab-api';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import styles from './styles.module.css';

type Props = {
  lab: string;
  snippet: string;
  title?: string;
};

/** Runs one of the lab's SDK snippets and streams what it prints. */
export default function Run({ lab, snippet, title }: Props) {
  const mode = useLabApiMode();
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const [lines, setLines] = useState<{ text: string; error?: boolean }[]>([]);
  const command = `npx workshop run ${lab} ${snippet}`;
  const heading = title ?? `Run: ${snippet}`;
  if (mode === 'static') {
    return (
      <LabPanel title={heading}>
        <CliCommand command={command} note="Run this in a terminal at the project root (this page has no lab API behind it):" />
      </LabPanel>
    );
  }
  const run = async () => {
    setState('running');
    setLines([]);
    await streamOperation(`/labs/${lab}/run/${snippet}`, {}, (event: LabEvent) => {
      if (event.type === 'output') setLines((all) => [...all, { text: event.line }]);
      if (event.type === 'done') {
        setState(event.ok ? 'done' : 'failed');
        if (event.error) setLines((all) => [...all, { text: `✗ ${event.error!.message}`, error: true }]);
      }
    }).catch((error: Error) => {
      setState('failed');
      setLines((all) => [...all, { text: `✗ ${error.message}`, error: true }]);
    });
  };
  return (
    <LabPanel
      title={heading}
      subtitle={<code>{command}</code>}
      state={state}
      actions={
        <button className="button button--primary button--sm" disabled={mode !== 'live' || state === 'running'} onClick={run} data-testid={`run-${lab}-${snippet}`}>
          {state === 'running' ? 'Running…' : 'Run'}
        </button>
      }
    >
      {lines.length > 0 && (
        <pre className={styles.output} data-testid={`run-output-${lab}-${snippet}`} data-state={state}>
          {lines.map((line, i) => (
            <div key={i} className={line.error ? styles.error : undefined}>
              {line.text}
            </div>
          ))}
        </pre>
      )}
    </LabPanel>
  );
}
