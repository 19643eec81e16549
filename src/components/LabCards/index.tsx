import Link from '@docusaurus/Link';
import LabProgress from '@site/src/components/LabProgress';
import styles from './styles.module.css';

type Lab = { to?: string; number: number; title: string; summary: string };

const LABS: Lab[] = [
  {
    to: '/lab-0-setup',
    number: 0,
    title: 'Set up',
    summary: 'A working environment in minutes, with no AWS account: the local cloud, the CLI, a first message through a queue.',
  },
  {
    to: '/lab-1-fan-out',
    number: 1,
    title: 'Fan-out and filtering',
    summary: 'One completed ride, three services: an SNS topic fans it out, a filter policy keeps the extraordinary ones apart.',
  },
  {
    number: 2,
    title: 'Topic-queue chaining',
    summary: 'A queue per subscriber: buffering, dead-letter queues, redrive and load balancing across consumers.',
  },
  {
    number: 3,
    title: 'Scatter-gather',
    summary: 'Ask ten unicorn providers for a quote at once and gather the answers before a deadline.',
  },
  {
    number: 4,
    title: 'Orchestration (saga)',
    summary: 'Fare collection as a Step Functions state machine, with compensation when a step fails.',
  },
  {
    to: '/lab-5-messaging-and-streaming',
    number: 5,
    title: 'Messaging and streaming',
    summary: 'FIFO ordering and deduplication beside a Kinesis stream with replay and many readers.',
  },
];

/** The labs as cards; labs still being written are shown as coming. */
export default function LabCards() {
  return (
    <div className={styles.grid}>
      {LABS.map((lab) => {
        const body = (
          <>
            <div className={styles.number}>Lab {lab.number}</div>
            <h3>{lab.title}</h3>
            <p>{lab.summary}</p>
            {!lab.to && <span className={styles.soon}>coming next</span>}
            {lab.to && <LabProgress lab={`lab-${lab.number}`} />}
          </>
        );
        return lab.to ? (
          <Link key={lab.number} className={styles.card} to={lab.to}>
            {body}
          </Link>
        ) : (
          <div key={lab.number} className={`${styles.card} ${styles.disabled}`}>
            {body}
          </div>
        );
      })}
    </div>
  );
}
