import {
  BaseEdge,
  type Edge,
  EdgeLabelRenderer,
  type EdgeProps,
  getBezierPath,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
} from '@xyflow/react';
import { createContext, useContext, useEffect, useMemo, useRef, useState } from 'react';
import '@xyflow/react/dist/base.css';
import { useColorMode } from '@docusaurus/theme-common';
import { type ArchEdge, type Architecture, type ArchNode, indexArchitecture } from '@site/src/lib/architecture-activity';
import { subscribeCloudEvents } from '@site/src/lib/cloud-events';
import { KIND_LABEL, shortCaption } from './labels';
import { layoutArchitecture, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { DiagramLights, type Painted } from './lights';
import styles from './styles.module.css';

type Props = {
  architecture: Architecture;
  /** Called with what each frame painted (the bench measures event-to-pixel latency with it). */
  onPainted?: (painted: Painted[]) => void;
};

const Lights = createContext<DiagramLights | undefined>(undefined);

/** The service's short name in a badge: readable in any font, unlike emoji. */
const BADGE: Record<ArchNode['kind'], string> = {
  api: 'API',
  function: 'λ',
  topic: 'SNS',
  queue: 'SQS',
  table: 'DDB',
  'state-machine': 'SFN',
  stream: 'KDS',
  bucket: 'S3',
  rule: 'EB',
  'event-bus': 'EB',
  endpoint: 'URL',
};

function ResourceNode({ data }: NodeProps<Node<{ node: ArchNode }>>) {
  const lights = useContext(Lights);
  const { node } = data;
  const kind = node.facts.deadLetter ? 'dead-letter queue' : `${KIND_LABEL[node.kind]}${node.facts.fifo ? ' (FIFO)' : ''}`;
  return (
    <div
      className={styles.node}
      data-kind={node.kind}
      data-dlq={node.facts.deadLetter ? 'true' : undefined}
      data-arch-node={node.id}
      title={node.id}
      ref={(box) =>
        lights?.registerNode(node.id, {
          box,
          text: box?.querySelector('[data-role=text]') ?? null,
          alarm: box?.querySelector('[data-role=alarm]') ?? null,
        })
      }
    >
      <Handle type="target" position={Position.Left} className={styles.handle} isConnectable={false} />
      <span className={styles.icon} aria-hidden="true">
        {BADGE[node.kind]}
      </span>
      <span className={styles.names}>
        <span className={styles.label}>{node.label}</span>
        <span className={styles.kind}>{kind}</span>
        <span className={styles.text} data-role="text" />
      </span>
      <span className={styles.alarm} data-role="alarm" hidden />
      <Handle type="source" position={Position.Right} className={styles.handle} isConnectable={false} />
    </div>
  );
}

function FlowEdge({
  id,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  data,
  markerEnd,
}: EdgeProps<Edge<{ edge: ArchEdge }>>) {
  const lights = useContext(Lights);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const edge = data!.edge;
  return (
    <>
      <BaseEdge id={id} path={path} className={`${styles.edge} ${styles[`edge-${edge.kind}`] ?? ''}`} markerEnd={markerEnd} />
      <path
        d={path}
        className={styles.pulse}
        ref={(pulse) => {
          if (pulse) lights?.registerEdge(edge.id, { pulse });
        }}
      />
      <EdgeLabelRenderer>
        <div
          className={styles.edgeLabel}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-arch-edge={edge.id}
          ref={(label) => {
            if (label) lights?.registerEdge(edge.id, { counters: countersIn(label) });
          }}
        >
          {shortCaption(edge) && <span className={styles.caption}>{shortCaption(edge)}</span>}
          <span className={styles.passed} data-counter="passed" hidden />
          <span className={styles.filtered} data-counter="filtered" hidden />
          <span className={styles.failed} data-counter="failed" hidden />
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

function countersIn(label: Element) {
  return {
    passed: label.querySelector<HTMLElement>('[data-counter=passed]') ?? null,
    filtered: label.querySelector<HTMLElement>('[data-counter=filtered]') ?? null,
    failed: label.querySelector<HTMLElement>('[data-counter=failed]') ?? null,
  };
}

const nodeTypes = { resource: ResourceNode };
const edgeTypes = { flow: FlowEdge };

/** The lab's resources drawn as a graph, lit by the cloud's events as they arrive. */
export default function Diagram({ architecture, onPainted }: Props) {
  const { colorMode } = useColorMode();
  const index = useMemo(() => indexArchitecture(architecture), [architecture]);
  const [lights] = useState(() => new DiagramLights(index, (painted) => onPainted?.(painted)));
  useEffect(() => lights.setIndex(index), [lights, index]);
  useEffect(() => {
    const stop = subscribeCloudEvents((event) => lights.push(event));
    return () => {
      stop();
      lights.stop();
    };
  }, [lights]);
  // A page shows its lab's diagram more than once: only the one in view pulses.
  const canvas = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = canvas.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(([entry]) => lights.setVisible(entry.isIntersecting), { rootMargin: '200px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [lights]);
  const { nodes, edges, height } = useMemo(() => {
    const placed = new Map(layoutArchitecture(architecture).map((p) => [p.id, p]));
    const flowNodes: Node<{ node: ArchNode }>[] = architecture.nodes.map((node) => ({
      id: node.id,
      type: 'resource',
      position: { x: placed.get(node.id)!.x, y: placed.get(node.id)!.y },
      data: { node },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      draggable: false,
      selectable: false,
      connectable: false,
    }));
    const flowEdges: Edge<{ edge: ArchEdge }>[] = architecture.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      type: 'flow',
      data: { edge },
      selectable: false,
      focusable: false,
      markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
    }));
    const bottom = Math.max(0, ...Array.from(placed.values()).map((p) => p.y + NODE_HEIGHT));
    return { nodes: flowNodes, edges: flowEdges, height: Math.min(620, Math.max(220, bottom + 40)) };
  }, [architecture]);
  return (
    <Lights.Provider value={lights}>
      <div ref={canvas} className={styles.canvas} style={{ height }} data-testid="architecture-canvas">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          colorMode={colorMode}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          fitView
          fitViewOptions={{ padding: 0.08 }}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          zoomOnScroll={false}
          preventScrolling={false}
          panOnDrag
          minZoom={0.3}
          maxZoom={1.5}
        />
      </div>
    </Lights.Provider>
  );
}
