import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import clsx from 'clsx';
import { useEffect, useMemo, useState } from 'react';
import { type PathStep, pathFromHistory, takenEdges } from './execution.utils';
import { curveThrough, layoutStateMachine, NODE_HEIGHT, NODE_WIDTH } from './graph.utils';
import styles from './styles.module.css';
import { useExecutionFeed } from './use-execution-feed';

type Props = {
  /** The lab whose state machine to show (`lab-4`). */
  lab: string;
};

/** How long each state of a replayed execution takes to light up: a local execution lasts milliseconds. */
const STEP_MS = 160;
// Symbols the common system fonts have (emoji fonts are not everywhere).
const ICON: Record<PathStep['status'], string> = { running: '▶', waiting: '◔', succeeded: '✓', caught: '✕', failed: '✕' };
/** The arrowhead of each kind of edge: grey when not taken, green for a transition, red for a catch. */
const ARROWS = ['idle', 'next', 'catch'] as const;
const STATUS_ICON: Record<string, string> = { RUNNING: '▶', SUCCEEDED: '✓', FAILED: '✕', TIMED_OUT: '⌛', ABORTED: '■' };

/** What a step of the path says in the list under the graph. */
function stepText(step: PathStep): string {
  const parts = [step.state];
  if (step.retries) parts.push(`retried ${step.retries}×`);
  if (step.error) parts.push(`✕ ${step.error}`);
  if (step.caughtTo) parts.push(`caught → ${step.caughtTo}`);
  if (step.status === 'waiting') parts.push('waits for a task token');
  if (step.exitedAtMs !== undefined) parts.push(`${step.exitedAtMs - step.enteredAtMs} ms`);
  return parts.join(' · ');
}

/**
 * An execution of the lab's state machine, drawn on the machine's own graph as it runs: the states
 * it entered light up in order, with their retries, the errors caught and where they went, and
 * the outcome. Locally it follows the cloud's event stream; on AWS it polls the execution history.
 */
export default function ExecutionView({ lab }: Props) {
  const mode = useLabApiMode();
  const feed = useExecutionFeed(lab, mode === 'live');
  const execution = feed.selected?.execution;
  const machine = feed.machines.find((m) => m.arn === execution?.stateMachineArn) ?? feed.machines[0];
  const graph = useMemo(() => {
    try {
      return machine ? layoutStateMachine(machine.definition) : undefined;
    } catch {
      return undefined;
    }
  }, [machine]);
  const path = useMemo(() => (feed.selected ? pathFromHistory(feed.selected.events) : undefined), [feed.selected]);

  // Replays the path state by state: from the start for another execution, onwards as it grows.
  const [shown, setShown] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the replay starts again when another execution is selected
  useEffect(() => setShown(0), [execution?.executionArn]);
  useEffect(() => {
    if (!path || shown >= path.steps.length) return;
    const timer = setTimeout(() => setShown((n) => n + 1), STEP_MS);
    return () => clearTimeout(timer);
  }, [path, shown]);

  if (mode === 'checking') return <LabPanel title="Execution" subtitle="connecting…" />;
  if (mode !== 'live') {
    return (
      <LabPanel title="Execution">
        <CliCommand
          command={`npx workshop run ${lab} execution-history`}
          note="The live view of executions needs the lab API (npm start). From a terminal, read your latest execution's history:"
        />
      </LabPanel>
    );
  }

  const steps = path?.steps.slice(0, shown) ?? [];
  const done = path !== undefined && shown >= path.steps.length;
  const status = new Map(steps.map((step) => [step.state, step]));
  const taken = takenEdges(steps);
  const isTaken = (from: string, to: string, kind: string) =>
    taken.some((t) => t.from === from && t.to === to && t.caught === (kind === 'catch'));
  const subtitle =
    feed.source === 'polling'
      ? 'polling the execution history (AWS)'
      : feed.source === 'live'
        ? 'live from the local cloud'
        : 'connecting…';

  return (
    <LabPanel
      title={machine ? `Execution of ${machine.name}` : 'Execution'}
      subtitle={subtitle}
      state={!path ? 'idle' : !done || path.status === 'RUNNING' ? 'running' : path.status === 'SUCCEEDED' ? 'done' : 'failed'}
      actions={
        <>
          <button type="button" className="button button--sm button--secondary" onClick={() => setShown(0)} disabled={!path}>
            Replay
          </button>
          <button
            type="button"
            className={clsx('button button--sm', feed.following ? 'button--primary' : 'button--secondary')}
            onClick={feed.follow}
            aria-pressed={feed.following}
          >
            Follow the latest
          </button>
        </>
      }
    >
      {feed.error && <p className={styles.error}>{feed.error}</p>}
      {!machine && <p className={styles.empty}>No state machine deployed yet: deploy the lab, then start an execution.</p>}
      {feed.executions.length > 0 && (
        <ul className={styles.executions} aria-label="Recent executions">
          {feed.executions.map((e) => (
            <li key={e.executionArn}>
              <button
                type="button"
                className={clsx(styles.execution, styles[e.status], e.executionArn === execution?.executionArn && styles.current)}
                onClick={() => feed.select(e.executionArn)}
                title={`${e.name}: ${e.status}`}
              >
                {STATUS_ICON[e.status] ?? '?'} {e.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {graph && (
        <svg
          className={styles.graph}
          viewBox={`0 0 ${graph.width} ${graph.height}`}
          style={{ maxWidth: graph.width }}
          role="img"
          aria-label={`State machine graph of ${machine?.name}`}
          data-testid={`execution-graph-${lab}`}
        >
          <defs>
            {ARROWS.map((kind) => (
              <marker
                key={kind}
                id={`arrow-${lab}-${kind}`}
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="5"
                markerHeight="5"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" className={clsx(styles.arrowHead, styles[kind])} />
              </marker>
            ))}
          </defs>
          {graph.edges.map((edge) => {
            const taken = isTaken(edge.from, edge.to, edge.kind);
            return (
              <path
                key={`${edge.from}-${edge.kind}-${edge.to}`}
                d={curveThrough(edge.points)}
                className={clsx(styles.edge, styles[edge.kind], taken && styles.taken)}
                markerEnd={`url(#arrow-${lab}-${taken ? (edge.kind === 'catch' ? 'catch' : 'next') : 'idle'})`}
              >
                <title>{`${edge.from} → ${edge.to}${edge.label ? ` (${edge.kind}: ${edge.label})` : ''}`}</title>
              </path>
            );
          })}
          {graph.nodes.map((node) => {
            const step = status.get(node.id);
            return (
              <g
                key={node.id}
                className={clsx(styles.node, styles[node.type], step && styles[step.status])}
                data-state={node.id}
                data-status={step?.status ?? 'not-entered'}
              >
                <rect
                  x={node.x - NODE_WIDTH / 2}
                  y={node.y - NODE_HEIGHT / 2}
                  width={NODE_WIDTH}
                  height={NODE_HEIGHT}
                  rx={node.type === 'Succeed' || node.type === 'Fail' ? NODE_HEIGHT / 2 : 6}
                />
                <text x={node.x} y={node.y} dominantBaseline="central" textAnchor="middle">
                  {step ? `${ICON[step.status]} ` : ''}
                  {node.id}
                  {step?.retries ? ` ↻${step.retries}` : ''}
                </text>
                <title>{step ? stepText(step) : `${node.id} (${node.type}): not entered`}</title>
              </g>
            );
          })}
        </svg>
      )}
      {path && (
        <>
          <ol className={styles.steps} data-testid={`execution-path-${lab}`}>
            {steps.map((step, i) => (
              <li key={i} className={styles[step.status]} data-state={step.state} data-status={step.status}>
                {ICON[step.status]} {stepText(step)}
              </li>
            ))}
          </ol>
          <p className={styles.outcome} data-testid={`execution-outcome-${lab}`} data-status={done ? path.status : 'REPLAYING'}>
            {execution?.name}:{' '}
            {path.status === 'RUNNING'
              ? path.steps.at(-1)?.status === 'waiting'
                ? `RUNNING, waiting in ${path.steps.at(-1)!.state} for a task token`
                : 'RUNNING'
              : `${path.status}${path.error ? ` (${path.error})` : ''} in ${path.durationMs} ms`}{' '}
            · {path.transitions} state transitions
          </p>
        </>
      )}
      {machine && !path && feed.executions.length === 0 && (
        <p className={styles.empty}>No execution yet: process a fare, and watch it here.</p>
      )}
    </LabPanel>
  );
}
