import dagre from '@dagrejs/dagre';
import type { Architecture } from '@site/src/lib/architecture-activity';

export const NODE_WIDTH = 172;
export const NODE_HEIGHT = 54;

export interface Placed {
  id: string;
  x: number;
  y: number;
}

/**
 * Places the nodes left to right in the order messages flow (dagre's layered layout): the API on
 * the left, then functions, topics, queues, and the dead-letter queues at the far right.
 * `sends` edges count as flow too, so a publisher sits before its topic.
 */
export function layoutArchitecture(architecture: Architecture): Placed[] {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 64, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of architecture.nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of architecture.edges)
    graph.setEdge(edge.source, edge.target, { weight: edge.kind === 'dead-letter' ? 1 : 2, minlen: 1 }, edge.id);
  dagre.layout(graph);
  return architecture.nodes.map((node) => {
    const { x, y } = graph.node(node.id);
    return { id: node.id, x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 };
  });
}
