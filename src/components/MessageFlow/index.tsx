import LabPanel from '@site/src/components/LabPanel';
import { subscribeCloudEvents } from '@site/src/lib/cloud-events';
import { describeEvent } from '@site/src/lib/flow';
import { FrameQueue } from '@site/src/lib/frame-queue';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import clsx from 'clsx';
import { useEffect, useState } from 'react';
import styles from './styles.module.css';

type Props = {
  /** How many lines to keep. */
  limit?: number;
};

type Line = { seq: number; clock: string; tone: 'move' | 'fail' | 'info'; text: string };

/**
 * From this many lines on, the list is as tall as it may grow (18rem, a line being at least 1.5rem):
 * its height is then fixed and its layout contained, so the lines it replaces every frame under a
 * burst are laid out alone rather than with the whole page.
 */
const LINES_AT_MAX_HEIGHT = 12;

/** One formatter for every line: `toLocaleTimeString` builds a new one per call, which a burst of events pays thousands of times a second. */
const CLOCK = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Live view of messages moving through the local cloud: published, filtered, delivered, run, failed. */
export default function MessageFlow({ limit = 14 }: Props) {
  const mode = useLabApiMode();
  const [lines, setLines] = useState<Line[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (mode !== 'live') return;
    // Lines reach the screen once per frame, together: one render per frame however fast events come.
    const queue = new FrameQueue<Line>((added) => setLines((all) => [...all, ...added].slice(-limit)));
    const stop = subscribeCloudEvents((event) => {
      const described = describeEvent(event);
      if (described) queue.push({ seq: event.seq, clock: CLOCK.format(event.time), ...described });
    }, setConnected);
    return () => {
      stop();
      queue.stop();
    };
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
      <ol className={clsx(styles.flow, lines.length >= LINES_AT_MAX_HEIGHT && styles.full)} data-testid="message-flow">
        {lines.length === 0 && <li className={styles.empty}>Nothing has moved yet: submit a ride or publish a message.</li>}
        {lines.map((line) => (
          <li key={line.seq} className={clsx(styles[line.tone])}>
            <time>{line.clock}</time> {line.text}
          </li>
        ))}
      </ol>
    </LabPanel>
  );
}
