import LabPanel from '@site/src/components/LabPanel';
import { subscribeCloudEvents } from '@site/src/lib/cloud-events';
import { LAB_CHANGED } from '@site/src/lib/progress';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Activity } from '../../api/cost';
import { formatUsd } from './format-usd';
import PriceTable from './PriceTable';
import styles from './styles.module.css';

type Props = {
  lab: string;
};

/**
 * What the learner's own activity in this lab would cost on AWS: the local cloud's counts of
 * requests, publishes, invocations, transitions and shard-hours, times AWS's prices for one
 * Region, and what batching and long polling would change, as the lab API reckons it
 * (src/api/cost.ts) with each answer about the lab's activity. On AWS, it says where the bill is.
 */
export default function Cost({ lab }: Props) {
  const mode = useLabApiMode();
  const [activity, setActivity] = useState<Activity>();
  const [error, setError] = useState<string>();
  const timer = useRef<number>(undefined);

  const load = useCallback(async () => {
    try {
      const response = await fetch(`/api/labs/${encodeURIComponent(lab)}/activity`, { headers: { accept: 'application/json' } });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error?.message ?? `The lab API answered ${response.status}.`);
      setActivity(body);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [lab]);

  useEffect(() => {
    if (mode !== 'live') return;
    void load();
    // Counts change with every event: refresh at most once a second while messages move.
    const soon = () => {
      if (timer.current !== undefined) return;
      timer.current = window.setTimeout(() => {
        timer.current = undefined;
        void load();
      }, 1000);
    };
    window.addEventListener(LAB_CHANGED, soon);
    const stop = subscribeCloudEvents(soon);
    return () => {
      window.removeEventListener(LAB_CHANGED, soon);
      window.clearTimeout(timer.current);
      stop();
    };
  }, [mode, load]);

  if (mode !== 'live' || !activity) {
    return (
      <LabPanel title="What this lab would cost on AWS">
        {mode === 'static' && (
          <p className={styles.muted}>
            With the workshop running (<code>npm start</code>), this panel counts what your stack does and prices it. The prices it uses:
          </p>
        )}
        {error && <p role="alert">✗ {error}</p>}
        <PriceTable />
      </LabPanel>
    );
  }
  if (activity.target === 'aws') {
    return (
      <LabPanel title="What this lab costs on AWS">
        <p>
          On AWS your bill is the real count. Open the <strong>Billing and Cost Management</strong> console: <em>Bills</em> shows the month
          so far by service, and <em>Cost Explorer</em> groups it by service or by tag (activate the <code>workshop</code> and{' '}
          <code>workshop:lab</code> tags as cost allocation tags first; charges appear within a day). The <em>Free Tier</em> page shows how
          much of each service's free tier you have used.
        </p>
        <PriceTable />
      </LabPanel>
    );
  }
  const report = activity.cost;
  const since = activity.since ? new Date(activity.since).toLocaleString([], { hour12: false }) : undefined;
  const reset = async () => {
    await fetch(`/api/labs/${encodeURIComponent(lab)}/activity/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    void load();
  };
  return (
    <LabPanel
      title="What this lab would cost on AWS"
      subtitle={
        activity.architecture.deployed
          ? `your activity in ${activity.architecture.stackName}${since ? ` since ${since}` : ''}`
          : `nothing of ${lab} is deployed`
      }
      actions={
        <button type="button" className="button button--secondary button--sm" onClick={reset} data-testid={`cost-reset-${lab}`}>
          Start counting again
        </button>
      }
    >
      <table className={styles.table} data-testid={`cost-${lab}`}>
        <thead>
          <tr>
            <th>What</th>
            <th className={styles.number}>Count</th>
            <th className={styles.number}>Cost</th>
          </tr>
        </thead>
        <tbody>
          {report.lines.length === 0 && (
            <tr>
              <td colSpan={3} className={styles.muted}>
                Nothing counted yet: run a snippet or submit a ride.
              </td>
            </tr>
          )}
          {report.lines.map((line) => (
            <tr key={line.label} data-cost-line={line.price}>
              <td>{line.label}</td>
              <td className={styles.number}>{line.quantity.toLocaleString()}</td>
              <td className={styles.number}>{formatUsd(line.usd)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>Total, before the free tier</th>
            <td />
            <th className={styles.number} data-testid={`cost-total-${lab}`}>
              {formatUsd(report.totalUsd)}
            </th>
          </tr>
        </tfoot>
      </table>
      {report.whatIfs.length > 0 && (
        <>
          <h4 className={styles.heading}>Batching and long polling</h4>
          <ul className={styles.whatIfs}>
            {report.whatIfs.map((w) => (
              <li key={w.title}>
                <strong>{w.title}:</strong> {w.asIs.requests.toLocaleString()} requests ({formatUsd(w.asIs.usd)}) →{' '}
                {w.instead.requests.toLocaleString()} ({formatUsd(w.instead.usd)}). {w.explanation}
              </li>
            ))}
          </ul>
        </>
      )}
      {report.notCounted.length > 0 && (
        <>
          <h4 className={styles.heading}>Not counted</h4>
          <ul className={styles.muted}>
            {report.notCounted.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </>
      )}
      <details>
        <summary>The prices used</summary>
        <PriceTable />
      </details>
    </LabPanel>
  );
}
