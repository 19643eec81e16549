import CliCommand from '@site/src/components/CliCommand';
import LabPanel from '@site/src/components/LabPanel';
import { type ClassStatus, classStatus, joinClass, leaveClass, type PreflightResult } from '@site/src/lib/class-membership';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { type FormEvent, useEffect, useState } from 'react';
import styles from './styles.module.css';

/**
 * In a class? Join it: your checkpoint results (lab, checkpoint, pass or fail, timings) and your
 * preflight then appear on your instructor's dashboard. Nothing else changes for you.
 */
export default function ClassJoin() {
  const mode = useLabApiMode();
  const [status, setStatus] = useState<ClassStatus>();
  const [preflight, setPreflight] = useState<PreflightResult>();
  const [form, setForm] = useState({ url: '', code: '', name: '' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (mode === 'live') void classStatus().then(setStatus, (e: Error) => setError(e.message));
  }, [mode]);
  if (mode === 'static') {
    return (
      <LabPanel title="In a class? Join it">
        <CliCommand
          command={'npx workshop join <address> --code <code> --name "<your name>"'}
          note="Your instructor gives you the address and the code. From a terminal at the project root:"
        />
      </LabPanel>
    );
  }
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const joined = await joinClass(form);
      setStatus(joined);
      setPreflight(joined.preflight);
    });
  };
  const problems = preflight?.checks.filter((c) => !c.ok) ?? [];
  return (
    <LabPanel
      title={status?.joined ? `In the class "${status.className}"` : 'In a class? Join it'}
      state={status?.joined ? 'done' : 'idle'}
    >
      <div data-testid="class-join" data-joined={String(Boolean(status?.joined))}>
        {status?.joined ? (
          <div className={styles.joined}>
            <p>
              You are <strong>{status.name}</strong> in this class. Your checkpoint results — lab, checkpoint, pass or fail, timings — go to
              your instructor; never your code, your credentials or your resources.
              {status.pending > 0 &&
                ` ${status.pending} result${status.pending === 1 ? '' : 's'} will be sent when the class server answers again.`}
            </p>
            {preflight && (
              <p className={problems.length ? styles.error : styles.ok}>
                {problems.length === 0
                  ? '✓ Your machine is ready (your instructor sees it too).'
                  : `✗ ${problems.map((p) => `${p.title}: ${p.fix ?? p.detail ?? ''}`).join(' · ')}`}
              </p>
            )}
            <button
              type="button"
              className="button button--outline button--secondary button--sm"
              disabled={busy}
              onClick={() => run(async () => setStatus(await leaveClass()))}
            >
              Leave the class
            </button>
          </div>
        ) : (
          <form className={styles.form} onSubmit={submit}>
            <label>
              Class address
              <input
                value={form.url}
                onChange={(e) => setForm({ ...form, url: e.target.value })}
                placeholder="http://192.168.1.20:3030"
                required
              />
            </label>
            <label>
              Join code
              <input
                value={form.code}
                onChange={(e) => setForm({ ...form, code: e.target.value })}
                placeholder="K7PQ-2MXA"
                autoComplete="off"
                required
              />
            </label>
            <label>
              Your name
              <input
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
                placeholder="Ana Silva"
                maxLength={40}
                required
              />
            </label>
            <button className="button button--primary button--sm" type="submit" disabled={busy || mode !== 'live'}>
              {busy ? 'Joining…' : 'Join'}
            </button>
          </form>
        )}
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
      </div>
    </LabPanel>
  );
}
