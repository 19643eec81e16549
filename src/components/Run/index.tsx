import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { type LabEvent, stopSnippet, streamOperation } from '@site/src/lib/lab-api';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { useState } from 'react';
import styles from './styles.module.css';

type Props = {
  lab: string;
  snippet: string;
  title?: string;
  /** The snippet runs until stopped (a worker): Start and Stop instead of Run. */
  untilStopped?: boolean;
};

type Line = { text: string; error?: boolean };

/** Runs one of the lab's SDK snippets and streams what it prints; a worker runs until you stop it. */
export default function Run({ lab, snippet, title, untilStopped = false }: Props) {
  const mode = useLabApiMode();
  const [state, setState] = useState<'idle' | 'running' | 'stopping' | 'done' | 'failed'>('idle');
  const [lines, setLines] = useState<Line[]>([]);
  const [elsewhere, setElsewhere] = useState(false);
  const command = `npx workshop run ${lab} ${snippet}`;
  const heading = title ?? `Run: ${snippet}`;
  if (mode === 'static') {
    return (
      <LabPanel title={heading}>
        <CliCommand
          command={command}
          note={`Run this in a terminal at the project root (this page has no lab API behind it)${untilStopped ? '; it runs until you press Ctrl-C' : ''}:`}
        />
      </LabPanel>
    );
  }
  const add = (line: Line) => setLines((all) => [...all, line]);
  const run = async () => {
    setState('running');
    setLines([]);
    setElsewhere(false);
    await streamOperation(`/labs/${lab}/run/${snippet}`, {}, (event: LabEvent) => {
      if (event.type === 'output') add({ text: event.line });
      if (event.type === 'done') {
        setState(event.ok ? 'done' : 'failed');
        if (event.error) add({ text: `✗ ${event.error.message}`, error: true });
        // Started from another page or tab: it can be stopped from here.
        if (event.error?.code === '409') setElsewhere(true);
      }
    }).catch((error: Error) => {
      setState('failed');
      add({ text: `✗ ${error.message}`, error: true });
    });
  };
  const stop = async () => {
    setState('stopping');
    try {
      await stopSnippet(lab, snippet);
      if (elsewhere) {
        setElsewhere(false);
        setState('idle');
        add({ text: 'Stopped where it was running.' });
      }
    } catch (error) {
      setState(elsewhere ? 'failed' : 'running');
      add({ text: `✗ ${(error as Error).message}`, error: true });
    }
  };
  const busy = state === 'running' || state === 'stopping';
  const panelState = state === 'stopping' ? 'running' : state;
  return (
    <LabPanel
      title={heading}
      subtitle={<code>{command}</code>}
      state={panelState}
      actions={
        <>
          <button
            type="button"
            className="button button--primary button--sm"
            disabled={mode !== 'live' || busy}
            onClick={run}
            data-testid={`run-${lab}-${snippet}`}
          >
            {busy ? 'Running…' : untilStopped ? 'Start' : 'Run'}
          </button>
          {untilStopped && (
            <button
              type="button"
              className="button button--secondary button--sm"
              disabled={!(state === 'running' || elsewhere)}
              onClick={stop}
              data-testid={`stop-${lab}-${snippet}`}
            >
              {state === 'stopping' ? 'Stopping…' : 'Stop'}
            </button>
          )}
        </>
      }
    >
      {lines.length > 0 && (
        <pre className={styles.output} data-testid={`run-output-${lab}-${snippet}`} data-state={panelState}>
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
