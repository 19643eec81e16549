import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { streamOperation } from '@site/src/lib/lab-api';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { useState } from 'react';
import styles from './styles.module.css';

type Props = {
  lab: string;
  /** Where the lab's tests live, as the page names it (labs/<lab>/tests/). */
  folder: string;
};

/** Runs the learner's own tests of a lab (every .ts file of its tests/ folder) and streams their report. */
export default function LabTests({ lab, folder }: Props) {
  const mode = useLabApiMode();
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'failed'>('idle');
  const [lines, setLines] = useState<{ text: string; error?: boolean }[]>([]);
  const command = `npx workshop test ${lab}`;
  const title = `Run my tests (${folder})`;
  if (mode === 'static') {
    return (
      <LabPanel title={title}>
        <CliCommand command={command} note="Run your tests from a terminal at the project root (this page has no lab API behind it):" />
      </LabPanel>
    );
  }
  const run = async () => {
    setState('running');
    setLines([]);
    await streamOperation(`/labs/${lab}/test`, {}, (event) => {
      if (event.type === 'output')
        setLines((all) => [...all, { text: event.line, error: /^✖|failed/.test(event.line) && !/ 0 failed$/.test(event.line) }]);
      if (event.type === 'progress') setLines((all) => [...all, { text: event.message }]);
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
      title={title}
      subtitle={<code>{command}</code>}
      state={state}
      actions={
        <button
          type="button"
          className="button button--primary button--sm"
          disabled={mode !== 'live' || state === 'running'}
          onClick={run}
          data-testid={`test-${lab}`}
        >
          {state === 'running' ? 'Testing…' : 'Run my tests'}
        </button>
      }
    >
      {lines.length > 0 && (
        <pre className={styles.output} data-testid={`test-output-${lab}`} data-state={state}>
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
