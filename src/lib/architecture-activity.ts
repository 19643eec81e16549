// The graph's shapes are declared beside the engine that builds it (type-only import).
import type { ArchEdge, Architecture } from '../engine/architecture/types.ts';
import type { FlowEvent } from './flow.ts';

export type { ArchEdge, Architecture, ArchNode } from '../engine/architecture/types.ts';

/** How a lit node or edge looks: a message moving, one filtered out, a retry, a failure, a dead-letter arrival. */
export type Tone = 'move' | 'filtered' | 'retry' | 'fail' | 'dead-letter';

/** Which counter of an edge an event adds to. */
export type EdgeCounter = 'passed' | 'filtered' | 'failed';

/** What one event does to the diagram. */
export interface Marks {
  nodes: { id: string; tone: Tone; text?: string }[];
  edges: { id: string; tone: Tone; count?: EdgeCounter }[];
}

const NONE: Marks = { nodes: [], edges: [] };

/** Lookups from the names events use (ARNs, URLs, subscription ARNs, state names) to the graph's nodes and edges. */
export interface GraphIndex {
  node(ref: unknown): string | undefined;
  edge(source: string, target: string, kind?: ArchEdge['kind']): ArchEdge[];
  bySubscription: Map<string, ArchEdge>;
  byMapping: Map<string, ArchEdge>;
  into(node: string, kind: ArchEdge['kind']): ArchEdge[];
  from(node: string, kind: ArchEdge['kind']): ArchEdge[];
}

const unqualified = (arn: string) => (arn.split(':')[2] === 'lambda' ? arn.split(':').slice(0, 7).join(':') : arn);

/** Indexes an architecture once, so each event finds its node and edge in constant time. */
export function indexArchitecture(architecture: Architecture): GraphIndex {
  const nodes = new Map<string, string>();
  for (const node of architecture.nodes) for (const alias of [node.id, ...node.aliases]) nodes.set(alias, node.id);
  const pairs = new Map<string, ArchEdge[]>();
  const into = new Map<string, ArchEdge[]>();
  const from = new Map<string, ArchEdge[]>();
  const bySubscription = new Map<string, ArchEdge>();
  const byMapping = new Map<string, ArchEdge>();
  const push = (map: Map<string, ArchEdge[]>, key: string, edge: ArchEdge) => map.set(key, [...(map.get(key) ?? []), edge]);
  for (const edge of architecture.edges) {
    push(pairs, `${edge.source}|${edge.target}`, edge);
    push(into, `${edge.target}|${edge.kind}`, edge);
    push(from, `${edge.source}|${edge.kind}`, edge);
    if (edge.facts.subscriptionArn && edge.kind === 'subscription') bySubscription.set(edge.facts.subscriptionArn, edge);
    if (edge.facts.mappingUuid && edge.kind === 'mapping') byMapping.set(edge.facts.mappingUuid, edge);
  }
  return {
    node: (ref) => (typeof ref === 'string' ? (nodes.get(ref) ?? nodes.get(unqualified(ref))) : undefined),
    edge: (source, target, kind) => (pairs.get(`${source}|${target}`) ?? []).filter((e) => !kind || e.kind === kind),
    bySubscription,
    byMapping,
    into: (node, kind) => into.get(`${node}|${kind}`) ?? [],
    from: (node, kind) => from.get(`${node}|${kind}`) ?? [],
  };
}

/** The subscription edge an SNS event is about: by its subscription ARN, else by topic and endpoint. */
function subscriptionEdge(index: GraphIndex, topic: string | undefined, d: Record<string, unknown>): ArchEdge | undefined {
  const bySubscription = typeof d.subscriptionArn === 'string' ? index.bySubscription.get(d.subscriptionArn) : undefined;
  if (bySubscription) return bySubscription;
  const target = index.node(d.endpoint);
  return topic && target ? index.edge(topic, target, 'subscription')[0] : undefined;
}

const lit = (edge: ArchEdge | undefined, tone: Tone, count?: EdgeCounter) => (edge ? [{ id: edge.id, tone, count }] : []);

/**
 * What an event from the cloud's stream lights in the diagram: the edge a message moved along
 * (with the counter it adds to) and the node it reached. Events about resources outside this
 * architecture light nothing.
 */
export function marksFor(event: FlowEvent, index: GraphIndex): Marks {
  const d = event.detail;
  const key = `${event.service}.${event.type}`;
  switch (key) {
    case 'apigateway.request': {
      const api = index.node(event.resource.split('/')[0]);
      if (!api) return NONE;
      const route = index.from(api, 'integration').find((e) => e.facts.method === d.method && e.facts.path === d.path);
      return { nodes: [{ id: api, tone: 'move' }], edges: lit(route, 'move', 'passed') };
    }
    case 'apigateway.integration-failed': {
      const api = index.node(event.resource.split('/')[0]);
      return api ? { nodes: [{ id: api, tone: 'fail' }], edges: [] } : NONE;
    }
    case 'sns.published':
    case 'events.put-event':
    case 'kinesis.records-put': {
      const arrivedAt = index.node(event.resource);
      if (!arrivedAt) return NONE;
      // Who sent it is not in the event; with a single possible sender, it was that one.
      const senders = index.into(arrivedAt, 'sends');
      return { nodes: [{ id: arrivedAt, tone: 'move' }], edges: senders.length === 1 ? lit(senders[0], 'move', 'passed') : [] };
    }
    case 'sns.delivered': {
      const edge = subscriptionEdge(index, index.node(event.resource), d);
      return edge ? { nodes: [{ id: edge.target, tone: 'move' }], edges: lit(edge, 'move', 'passed') } : NONE;
    }
    case 'sns.filtered-out':
      return { nodes: [], edges: lit(subscriptionEdge(index, index.node(event.resource), d), 'filtered', 'filtered') };
    case 'sns.delivery-retry':
      return { nodes: [], edges: lit(subscriptionEdge(index, index.node(event.resource), d), 'retry') };
    case 'sns.delivery-failed':
    case 'sns.confirmation-failed': {
      const edge = subscriptionEdge(index, index.node(event.resource), d);
      return edge ? { nodes: [{ id: edge.target, tone: 'fail' }], edges: lit(edge, 'fail', 'failed') } : NONE;
    }
    case 'sns.dead-lettered': {
      const topic = index.node(event.resource);
      const edge = subscriptionEdge(index, topic, d);
      const dlq = index.node(d.deadLetterQueue);
      const dlqEdge = topic && dlq ? index.edge(topic, dlq, 'dead-letter')[0] : undefined;
      return {
        nodes: dlq ? [{ id: dlq, tone: 'dead-letter', text: 'dead-lettered' }] : [],
        edges: [...lit(edge, 'fail', 'failed'), ...lit(dlqEdge, 'dead-letter', 'passed')],
      };
    }
    case 'events.rule-matched': {
      const rule = index.node(event.resource);
      return rule
        ? { nodes: [{ id: rule, tone: 'move' }], edges: index.into(rule, 'target').flatMap((e) => lit(e, 'move', 'passed')) }
        : NONE;
    }
    case 'events.delivered':
    case 'events.delivery-failed': {
      const rule = index.node(event.resource);
      const target = index.node(d.target);
      const edge = rule && target ? index.edge(rule, target, 'target')[0] : undefined;
      const failed = event.type === 'delivery-failed';
      return edge
        ? {
            nodes: [{ id: edge.target, tone: failed ? 'fail' : 'move' }],
            edges: lit(edge, failed ? 'fail' : 'move', failed ? 'failed' : 'passed'),
          }
        : NONE;
    }
    case 'lambda.invoked':
    case 'lambda.failed':
    case 'lambda.timed-out':
    case 'lambda.throttled': {
      const fn = index.node(event.resource);
      if (!fn) return NONE;
      const failed = event.type !== 'invoked';
      const text =
        event.type === 'invoked'
          ? `ran ${d.durationMs} ms`
          : event.type === 'throttled'
            ? 'throttled'
            : event.type === 'timed-out'
              ? 'timed out'
              : 'failed';
      // A batch from a queue or a stream: the mapping it came through lights too.
      const mappings = ['sqs', 'kinesis', 'dynamodb'].includes(String(d.trigger))
        ? index.into(fn, 'mapping').filter((e) => e.source.includes(`:${d.trigger}:`))
        : [];
      return {
        nodes: [{ id: fn, tone: failed ? 'fail' : 'move', text }],
        edges: mappings.flatMap((e) => lit(e, failed ? 'fail' : 'move', failed ? 'failed' : 'passed')),
      };
    }
    case 'lambda.async-retry': {
      const fn = index.node(event.resource);
      return fn ? { nodes: [{ id: fn, tone: 'retry', text: `retry ${d.attempt}` }], edges: [] } : NONE;
    }
    case 'lambda.async-dropped': {
      const fn = index.node(event.resource);
      return fn ? { nodes: [{ id: fn, tone: 'fail', text: 'event dropped' }], edges: [] } : NONE;
    }
    case 'lambda.async-failed-to-destination': {
      const fn = index.node(event.resource);
      const destination = index.node(d.destination);
      const edge = fn && destination ? index.edge(fn, destination, 'destination')[0] : undefined;
      return {
        nodes: destination ? [{ id: destination, tone: 'dead-letter', text: 'failed event' }] : [],
        edges: lit(edge, 'dead-letter', 'passed'),
      };
    }
    case 'lambda.batch-failed':
    case 'lambda.batch-partially-failed': {
      const edge = typeof d.uuid === 'string' ? index.byMapping.get(d.uuid) : undefined;
      return edge ? { nodes: [{ id: edge.target, tone: 'fail' }], edges: lit(edge, 'fail', 'failed') } : NONE;
    }
    case 'lambda.batch-to-destination':
    case 'lambda.batch-discarded': {
      const mapping = typeof d.uuid === 'string' ? index.byMapping.get(d.uuid) : undefined;
      if (!mapping) return NONE;
      const destination = index.from(mapping.target, 'destination').find((e) => e.facts.mappingUuid === d.uuid);
      return {
        nodes: destination
          ? [{ id: destination.target, tone: 'dead-letter', text: 'failed batch' }]
          : [{ id: mapping.target, tone: 'fail', text: 'batch discarded' }],
        edges: [...lit(mapping, 'fail', 'failed'), ...lit(destination, 'dead-letter', 'passed')],
      };
    }
    case 's3.notified':
    case 's3.notification-failed': {
      const bucket = index.node(event.resource);
      const target = index.node(d.destination ?? d.target ?? d.arn);
      const edge = bucket && target ? index.edge(bucket, target, 'notification')[0] : undefined;
      const failed = event.type === 'notification-failed';
      return bucket
        ? {
            nodes: [{ id: bucket, tone: failed ? 'fail' : 'move' }],
            edges: lit(edge, failed ? 'fail' : 'move', failed ? 'failed' : 'passed'),
          }
        : NONE;
    }
    case 'sqs.redrive-started': {
      const source = index.node(event.resource);
      const destination = index.node(d.destinationArn);
      return source
        ? {
            nodes: [{ id: source, tone: 'move', text: 'redrive' }, ...(destination ? [{ id: destination, tone: 'move' as Tone }] : [])],
            edges: [],
          }
        : NONE;
    }
    case 'states.execution-started': {
      const machine = index.node(d.stateMachineArn);
      return machine ? { nodes: [{ id: machine, tone: 'move', text: '▶ started' }], edges: [] } : NONE;
    }
    case 'states.state-entered':
    case 'states.task-failed':
    case 'states.state-retried': {
      const machine = index.node(d.stateMachineArn);
      if (!machine) return NONE;
      const tone: Tone = event.type === 'task-failed' ? 'fail' : event.type === 'state-retried' ? 'retry' : 'move';
      const tasks = index.from(machine, 'task').filter((e) => e.facts.states?.includes(String(d.state)));
      const text =
        event.type === 'task-failed' ? `${d.state} failed` : event.type === 'state-retried' ? `${d.state} retried` : `→ ${d.state}`;
      return {
        nodes: [{ id: machine, tone, text }],
        edges: tasks.flatMap((e) =>
          lit(e, tone, event.type === 'state-entered' ? 'passed' : event.type === 'task-failed' ? 'failed' : undefined),
        ),
      };
    }
    case 'states.execution-succeeded':
    case 'states.execution-failed':
    case 'states.execution-aborted':
    case 'states.execution-timed-out': {
      const machine = index.node(d.stateMachineArn);
      const ok = event.type === 'execution-succeeded';
      return machine
        ? {
            nodes: [{ id: machine, tone: ok ? 'move' : 'fail', text: `■ ${event.type.slice('execution-'.length).replace('-', ' ')}` }],
            edges: [],
          }
        : NONE;
    }
    default:
      return NONE;
  }
}
