import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowEvent } from '../../lib/flow.ts';
import {
  type ExecutionView,
  executionHistory,
  type HistoryEventView,
  recentExecutions,
  type StateMachineView,
  stateMachines,
  targetKind,
} from '../../lib/state-machines.ts';
import { ACTIVITY } from '../../shared/activity.ts';

// The Step Functions events of the local cloud's stream (see src/lib/flow.ts). The view reads
// nothing of them but their name and resource (the execution's ARN): each says "this execution
// moved", and the view reads its history, as it would on AWS. They come from the one table of
// activity types, so a new one is listened to without an edit here.
const STATES_EVENTS = (Object.keys(ACTIVITY) as string[]).filter((kind) => kind.startsWith('states.'));
const LISTED = /^states\.execution-(started|succeeded|failed|aborted|timed-out)$/;
/** Without a stream (AWS), how often the executions and a running execution's history are read. */
const POLL_MS = 2_000;
/** How often the definitions are read again: a redeploy changes them without an event. */
const MACHINES_MS = 4_000;

export interface ExecutionFeed {
  machines: StateMachineView[];
  executions: ExecutionView[];
  selected?: { execution: ExecutionView; events: HistoryEventView[] };
  /** True while the view follows whichever execution started last. */
  following: boolean;
  /** `live` when the local cloud streams events, `polling` on AWS, `connecting` before either. */
  source: 'connecting' | 'live' | 'polling';
  error?: string;
  select(executionArn: string): void;
  follow(): void;
}

/**
 * Runs `work` one call at a time: a call while one runs makes it run once more afterwards, so a
 * burst of events costs two reads, not one per event.
 */
function singleFlight(work: () => Promise<void>): () => void {
  let busy = false;
  let again = false;
  const run = () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    void work().finally(() => {
      busy = false;
      if (again) {
        again = false;
        run();
      }
    });
  };
  return run;
}

/**
 * The lab's state machines, their newest executions and the history of the one on show, kept up
 * to date: from the local cloud's event stream (each `states.*` event triggers a read of what it
 * changed), or by polling the API where there is no stream (AWS).
 */
export function useExecutionFeed(lab: string, enabled: boolean): ExecutionFeed {
  const [machines, setMachines] = useState<StateMachineView[]>([]);
  const [executions, setExecutions] = useState<ExecutionView[]>([]);
  const [selected, setSelected] = useState<ExecutionFeed['selected']>();
  const [selectedArn, setSelectedArn] = useState<string>();
  const [following, setFollowing] = useState(true);
  const [source, setSource] = useState<ExecutionFeed['source']>('connecting');
  const [error, setError] = useState<string>();
  // What the stream's callbacks read without subscribing again.
  const current = useRef({ selectedArn, following, executions });
  current.current = { selectedArn, following, executions };

  const reads = useMemo(() => {
    const failed = (e: unknown) => setError((e as Error).message);
    return {
      machines: singleFlight(() =>
        stateMachines(lab)
          .then((found) => setMachines((known) => (JSON.stringify(known) === JSON.stringify(found) ? known : found)))
          .catch(failed),
      ),
      executions: singleFlight(() =>
        recentExecutions(lab)
          .then((list) => {
            setExecutions(list);
            setError(undefined);
            if (current.current.following && list[0] && list[0].executionArn !== current.current.selectedArn)
              setSelectedArn(list[0].executionArn);
          })
          .catch(failed),
      ),
      history: singleFlight(async () => {
        const arn = current.current.selectedArn;
        if (!arn) return;
        try {
          const history = await executionHistory(lab, arn);
          if (current.current.selectedArn === arn) setSelected(history);
        } catch (e) {
          failed(e);
        }
      }),
    };
  }, [lab]);

  // Another execution on show: read its history now.
  useEffect(() => {
    setSelected(undefined);
    if (selectedArn) reads.history();
  }, [selectedArn, reads]);

  // A deploy may have changed the definitions: the machine of a new execution is read again.
  const machineArns = machines.map((m) => m.arn).join(' ');
  useEffect(() => {
    if (executions.some((e) => !machineArns.includes(e.stateMachineArn))) reads.machines();
  }, [executions, machineArns, reads]);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const timers: ReturnType<typeof setInterval>[] = [];
    let stream: EventSource | undefined;
    reads.machines();
    reads.executions();
    timers.push(setInterval(reads.machines, MACHINES_MS));
    void targetKind()
      .catch(() => 'local')
      .then((kind) => {
        if (stopped) return;
        if (kind === 'aws') {
          setSource('polling');
          timers.push(
            setInterval(() => {
              reads.executions();
              if (current.current.executions.find((e) => e.executionArn === current.current.selectedArn)?.status === 'RUNNING')
                reads.history();
            }, POLL_MS),
          );
          return;
        }
        stream = new EventSource('/api/events');
        stream.onopen = () => setSource('live');
        stream.onerror = () => setSource('connecting');
        const onEvent = (message: MessageEvent<string>) => {
          const event = JSON.parse(message.data) as FlowEvent;
          if (message.type === 'states.state-machine-created') reads.machines();
          if (LISTED.test(message.type)) reads.executions();
          if (event.resource === current.current.selectedArn) reads.history();
        };
        for (const name of STATES_EVENTS) stream.addEventListener(name, onEvent as EventListener);
      });
    return () => {
      stopped = true;
      timers.forEach(clearInterval);
      stream?.close();
    };
  }, [enabled, reads]);

  return {
    machines,
    executions,
    selected: selected && selected.execution.executionArn === selectedArn ? selected : undefined,
    following,
    source,
    error,
    select: (executionArn) => {
      setFollowing(false);
      setSelectedArn(executionArn);
    },
    follow: () => {
      setFollowing(true);
      if (executions[0]) setSelectedArn(executions[0].executionArn);
    },
  };
}
