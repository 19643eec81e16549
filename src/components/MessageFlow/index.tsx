import LabPanel from '@site/src/components/LabPanel';
import { subscribeCloudEvents } from '@site/src/lib/cloud-events';
import { describeEvent } from '@site/src/lib/flow';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import clsx from 'clsx';
import { useEffect, useState } from 'react';
import styles from './styles.module.css';

type Props = {
  /** How many lines to keep. */
  limit?: number;
};

type Line = { seq: number; time: number; tone: 'move' | 'fail' | 'info'; text: string };

/** Live view of messages moving through the local cloud: published, filtered, delivered, run, failed. */
export default function MessageFlow({ limit = 14 }: Props) {
  const mode = useLabApiMode();
  const [lines, setLines] = useState<Line[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (mode !== 'live') return;
    return subscribeCloudEvents((event) => {
      const described = describeEvent(event);
      if (described) setLines((all) => [...all, { seq: event.seq, time: event.time, ...described }].slice(-limit));
    }, setConnected);
  }, [mode, limit]);
  if (mode !== 'live') {
    return (
      <LabPanel title="Message flow">
        <p className={styles.empty}>The live message flow needs the local cloud: start the workshop with npm start.</p>
      </LabPanel>
    );
  }
  return (
    <LabPanel title="Message flow" subtitle={connected ? 'live from the local cloud' : 'connecting…'}>
      <ol className={styles.flow} data-testid="message-flow">
        {lines.length === 0 && <li className={styles.empty}>Nothing has moved yet: submit a ride or publish a message.</li>}
        {lines.map((line) => (
          <li key={line.seq} className={clsx(styles[line.tone])}>
            <time>{new Date(line.time).toLocaleTimeString([], { hour12: false })}</time> {line.text}
          </li>
        ))}
      </ol>
    </LabPanel>
  );
}
