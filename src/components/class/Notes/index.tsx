import { type ClassConnection, facilitatorNotes } from '@site/src/lib/class-server';
import { type Block, type Inline, parseNotes } from '@site/src/lib/notes';
import { type ReactNode, useEffect, useState } from 'react';
import styles from './styles.module.css';

type Props = {
  connection: ClassConnection;
  lab: { id: string; title: string; hasNotes: boolean };
};

type State = { kind: 'loading' } | { kind: 'notes'; blocks: Block[] } | { kind: 'none'; file: string } | { kind: 'error'; message: string };

/** A lab's facilitator notes (timing, usual mistakes, questions for the room), from the class server. */
export default function Notes({ connection, lab }: Props) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    setState({ kind: 'loading' });
    facilitatorNotes(connection, lab.id).then(
      ({ markdown, file }) =>
        current && setState(markdown === null ? { kind: 'none', file } : { kind: 'notes', blocks: parseNotes(markdown) }),
      (error: Error) => current && setState({ kind: 'error', message: error.message }),
    );
    return () => {
      current = false;
    };
  }, [connection, lab.id]);
  return (
    <section className={styles.notes} data-testid={`class-notes-${lab.id}`} data-state={state.kind}>
      <h2>Facilitator notes</h2>
      {state.kind === 'loading' && <p className={styles.quiet}>Loading…</p>}
      {state.kind === 'error' && <p className={styles.error}>The notes could not be loaded: {state.message}</p>}
      {state.kind === 'none' && (
        <p className={styles.quiet}>
          This lab has no facilitator notes yet. Its authors add them in <code>{state.file}</code> (sections: Timing, Usual mistakes,
          Questions for the room).
        </p>
      )}
      {state.kind === 'notes' &&
        state.blocks
          .filter((block) => !(block.kind === 'heading' && block.level === 1))
          .map((block, i) => <NoteBlock key={i} block={block} />)}
    </section>
  );
}

function NoteBlock({ block }: { block: Block }) {
  if (block.kind === 'heading') return block.level <= 2 ? <h3>{inline(block.text)}</h3> : <h4>{inline(block.text)}</h4>;
  if (block.kind === 'paragraph') return <p>{inline(block.text)}</p>;
  const items = block.items.map((item, i) => <li key={i}>{inline(item)}</li>);
  return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
}

function inline(parts: Inline[]): ReactNode[] {
  // biome-ignore-start lint/suspicious/noArrayIndexKey: the parts of a line of text, never reordered
  return parts.map((part, i) => {
    if (part.kind === 'text') return part.text;
    if (part.kind === 'code') return <code key={i}>{part.text}</code>;
    return part.kind === 'strong' ? <strong key={i}>{inline(part.children)}</strong> : <em key={i}>{inline(part.children)}</em>;
  });
  // biome-ignore-end lint/suspicious/noArrayIndexKey: see above
}
