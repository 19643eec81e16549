import type { Architecture } from '@site/src/lib/architecture-activity';
import { describeLink, KIND_LABEL } from './labels';
import styles from './styles.module.css';

/** The diagram in words, for screen readers and for reading the filter policies in full. */
export default function TextTwin({ graph }: { graph: Architecture }) {
  const name = (id: string) => graph.nodes.find((n) => n.id === id)?.label ?? id;
  return (
    <details className={styles.twin}>
      <summary>
        The diagram in words ({graph.nodes.length} resources, {graph.edges.length} links)
      </summary>
      <ul>
        {graph.edges.map((edge) => (
          <li key={edge.id}>
            {name(edge.source)} → {name(edge.target)}: {describeLink(edge)}
          </li>
        ))}
        {graph.nodes
          .filter((node) => !graph.edges.some((e) => e.source === node.id || e.target === node.id))
          .map((node) => (
            <li key={node.id}>
              {node.label} ({KIND_LABEL[node.kind]}): not linked to anything yet
            </li>
          ))}
      </ul>
      {graph.notes.length > 0 && <p className={styles.notes}>{graph.notes.join(' ')}</p>}
      <p className={styles.notes}>Messages as they move are listed in words by the message flow on this page.</p>
    </details>
  );
}
