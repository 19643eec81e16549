import CodeBlock from '@theme/CodeBlock';
import styles from './styles.module.css';

type Props = {
  command: string;
  /** Why the command is shown (e.g. in a static build). */
  note?: string;
};

/** A terminal command to run at the project root. */
export default function CliCommand({ command, note }: Props) {
  return (
    <div className={styles.cli}>
      {note && <p className={styles.note}>{note}</p>}
      <CodeBlock language="bash">{command}</CodeBlock>
    </div>
  );
}
