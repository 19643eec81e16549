import { applyEvent, type ClassSnapshot, type LearnerState, stuckLearners } from '@site/src/lib/class-dashboard';
import {
  type ClassConnection,
  downloadExport,
  followClass,
  readConnection,
  releaseSolution,
  removeLearner,
  saveConnection,
} from '@site/src/lib/class-server';
import { useCallback, useEffect, useState } from 'react';
import Connect from '../Connect';
import Grid from '../Grid';
import Notes from '../Notes';
import Pacing from '../Pacing';
import Stuck from '../Stuck';
import styles from './styles.module.css';

type Live = { state: 'connecting' | 'live' | 'offline'; detail?: string };

const THRESHOLD_KEY = 'workshop.class.stuckMinutes';

/**
 * The instructor's view of a class, live: who passed what, who is stuck, the pacing of each lab,
 * each learner's preflight, the facilitator notes, solution releases and the export.
 */
export default function Dashboard() {
  const [connection, setConnection] = useState<ClassConnection>();
  const [ready, setReady] = useState(false);
  const [refused, setRefused] = useState<string>();
  const [snapshot, setSnapshot] = useState<ClassSnapshot>();
  const [live, setLive] = useState<Live>({ state: 'connecting' });
  // The server's clock decides how long something has lasted: learners' and ours may differ.
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [thresholdMinutes, setThresholdMinutes] = useState(10);
  const [focus, setFocus] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setConnection(readConnection(window.location, window.sessionStorage));
    setThresholdMinutes(Number(window.localStorage.getItem(THRESHOLD_KEY) ?? 10) || 10);
    setReady(true);
    const tick = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(tick);
  }, []);

  useEffect(() => {
    if (!connection) return;
    setSnapshot(undefined);
    return followClass(connection, {
      onEvent: (event) => {
        if (event.type === 'snapshot') setOffset(event.snapshot.now - Date.now());
        setSnapshot((current) => applyEvent(current, event));
        setNow(Date.now());
      },
      onStatus: (state, detail) => setLive({ state, detail }),
      onRefused: (message) => {
        saveConnection(window.sessionStorage, undefined);
        setConnection(undefined);
        setRefused(message);
      },
    });
  }, [connection]);

  const act = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await work();
    } catch (error) {
      setActionError((error as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);

  if (!ready) return null;
  if (!connection) {
    return (
      <Connect
        error={refused}
        onConnect={(next) => {
          saveConnection(window.sessionStorage, next);
          setRefused(undefined);
          setConnection(next);
        }}
      />
    );
  }
  const serverNow = now + offset;
  const stuckAfterMs = thresholdMinutes * 60_000;
  const focusedLab =
    snapshot?.labs.find((lab) => lab.id === focus) ?? snapshot?.labs.find((lab) => lab.id !== 'lab-0') ?? snapshot?.labs[0];
  const inClass = snapshot?.learners.filter((l) => l.leftAt === null).length ?? 0;
  const remove = (learner: LearnerState) => {
    if (window.confirm(`Remove ${learner.name} from the class? Their results go, and their name is free again.`))
      void act(() => removeLearner(connection, learner.id));
  };
  return (
    <div className={styles.dashboard}>
      <header className={styles.header}>
        <div>
          <h1>{snapshot?.class.name ?? 'Class dashboard'}</h1>
          <span className={styles.live} data-testid="class-live" data-state={live.state} title={live.detail}>
            {live.state === 'live'
              ? '● live'
              : live.state === 'connecting'
                ? '○ connecting…'
                : `○ reconnecting (${live.detail ?? 'the class server does not answer'})`}
          </span>{' '}
          <span className={styles.quiet}>
            {connection.server} · {inClass} learner{inClass === 1 ? '' : 's'} in the class
          </span>
        </div>
        <div className={styles.actions}>
          <button
            type="button"
            className="button button--secondary button--sm"
            disabled={busy}
            onClick={() => act(() => downloadExport(connection, 'csv'))}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="button button--secondary button--sm"
            disabled={busy}
            onClick={() => act(() => downloadExport(connection, 'json'))}
          >
            Export JSON
          </button>
          <button
            type="button"
            className="button button--outline button--secondary button--sm"
            onClick={() => {
              saveConnection(window.sessionStorage, undefined);
              setConnection(undefined);
            }}
          >
            Disconnect
          </button>
        </div>
      </header>
      {actionError && (
        <p className={styles.error} role="alert">
          {actionError}
        </p>
      )}
      {!snapshot ? (
        <p className={styles.quiet}>Waiting for the class server…</p>
      ) : (
        <>
          <Stuck
            stuck={stuckLearners(snapshot, serverNow, stuckAfterMs)}
            now={serverNow}
            thresholdMinutes={thresholdMinutes}
            onThreshold={(minutes) => {
              window.localStorage.setItem(THRESHOLD_KEY, String(minutes));
              setThresholdMinutes(minutes);
            }}
          />
          <Grid
            snapshot={snapshot}
            now={serverNow}
            stuckAfterMs={stuckAfterMs}
            focus={focusedLab?.id}
            onFocus={setFocus}
            onRemove={remove}
          />
          {focusedLab && (
            <div className={styles.lab}>
              <Pacing
                snapshot={snapshot}
                lab={focusedLab}
                busy={busy}
                onRelease={(released) => act(() => releaseSolution(connection, focusedLab.id, released))}
              />
              <Notes connection={connection} lab={focusedLab} />
            </div>
          )}
        </>
      )}
    </div>
  );
}
