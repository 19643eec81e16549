import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { useProgress } from '@site/src/components/ProgressProvider';
import type { Architecture as Graph } from '@site/src/lib/architecture-activity';
import { subscribeCloudEvents } from '@site/src/lib/cloud-events';
import { LAB_CHANGED } from '@site/src/lib/progress';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { useCallback, useEffect, useRef, useState } from 'react';
import styles from './styles.module.css';
import TextTwin from './TextTwin';
import { useDiagram } from './use-diagram';

type Props = {
  lab: string;
};

/** Announces what each frame of the diagram painted; `npm run bench` listens to measure event-to-pixel latency. */
const announcePainted = (painted: unknown) => window.dispatchEvent(new CustomEvent('workshop:diagram-painted', { detail: painted }));

/**
 * The lab's stack as deployed now, drawn from its resources and their links, and lit as the
 * cloud's events arrive: each edge counts the messages that went along it. Without a lab API (a
 * static build) or a deployed stack, it says how to get one.
 */
export default function Architecture({ lab }: Props) {
  const mode = useLabApiMode();
  const { progress } = useProgress();
  const [graph, setGraph] = useState<Graph>();
  const [error, setError] = useState<string>();
  const timer = useRef<number>(undefined);
  const { Diagram, problem, retry } = useDiagram(graph?.deployed === true);

  const load = useCallback(async () => {
    try {
      const response = await fetch(`/api/labs/${encodeURIComponent(lab)}/architecture`, { headers: { accept: 'application/json' } });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error?.message ?? `The lab API answered ${response.status}.`);
      setGraph((previous) => (previous && JSON.stringify(previous) === JSON.stringify(body) ? previous : body));
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [lab]);

  useEffect(() => {
    if (mode !== 'live') return;
    void load();
    // Redraw after a deploy or destroy, from this page or the terminal (the cloud reports stack changes).
    const soon = () => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void load(), 300);
    };
    const onLabChanged = (event: Event) => (event as CustomEvent<{ lab: string }>).detail?.lab === lab && soon();
    window.addEventListener(LAB_CHANGED, onLabChanged);
    const stop = subscribeCloudEvents((event) => {
      if (
        (event.service === 'cloudformation' && event.type === 'resource-status') ||
        (event.service === 'workshop' && event.type === 'reset')
      )
        soon();
    });
    return () => {
      window.removeEventListener(LAB_CHANGED, onLabChanged);
      window.clearTimeout(timer.current);
      stop();
    };
  }, [mode, lab, load]);

  const deploy = `npx workshop deploy ${lab}`;
  if (mode === 'static') {
    return (
      <LabPanel title="Your stack, live">
        <p className={styles.empty}>
          Here the page draws the stack you deployed, and lights each link as messages move through it. It needs the workshop running on
          your machine (<code>npm start</code>); from a terminal, deploy and look at what you built:
        </p>
        <CliCommand command={deploy} />
      </LabPanel>
    );
  }
  const last = progress?.labs[lab]?.lastDeploy;
  const deployedNote = last
    ? ` · last ${last.what === 'destroy' ? 'destroyed' : `deployed ${last.what}`} at ${new Date(last.at).toLocaleTimeString([], { hour12: false })}${last.ok ? '' : ' (failed)'}`
    : '';
  const subtitle = graph?.deployed
    ? `${graph.stackName} · ${graph.status} · ${graph.nodes.length} resources${deployedNote}`
    : graph
      ? `nothing deployed for ${lab}${deployedNote}`
      : 'reading your stack…';
  return (
    <LabPanel title="Your stack, live" subtitle={<span data-testid={`architecture-status-${lab}`}>{subtitle}</span>}>
      {error && (
        <p className={styles.empty} role="alert">
          ✗ {error}
        </p>
      )}
      {graph && !graph.deployed && (
        <div data-testid={`architecture-empty-${lab}`}>
          <p className={styles.empty}>
            Nothing of {lab} is deployed yet{graph.notes.length > 0 ? `: ${graph.notes.join(' ')}` : ''}. Deploy your stack with the Deploy
            button on this page, or from a terminal:
          </p>
          <CliCommand command={deploy} />
        </div>
      )}
      {graph?.deployed && (
        <div data-testid={`architecture-${lab}`}>
          {Diagram ? (
            <Diagram architecture={graph} onPainted={announcePainted} />
          ) : problem ? (
            <p className={styles.empty} role="alert">
              ✗ The diagram's code did not load ({problem}). Is the workshop still running?{' '}
              <button type="button" className="button button--secondary button--sm" onClick={retry}>
                Try again
              </button>
            </p>
          ) : (
            <p className={styles.empty}>Drawing your stack…</p>
          )}
          <TextTwin graph={graph} />
        </div>
      )}
    </LabPanel>
  );
}
