// A state machine's graph, laid out for the execution view: states in layers from StartAt down
// (the longest path decides a state's layer), transitions as curves between them, and edges that
// skip layers routed through spacer points so that they go around the states in between.

/** How one state leaves for another. */
export type EdgeKind = 'next' | 'catch' | 'choice';

export interface GraphNode {
  id: string;
  /** The ASL state type: Task, Pass, Choice, Succeed, Fail… */
  type: string;
  /** Centre of the box. */
  x: number;
  y: number;
  layer: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The errors a catcher matches, or the rule of a Choice branch. */
  label?: string;
  /** From the bottom of `from` to the top of `to`, through the spacers of skipped layers. */
  points: { x: number; y: number }[];
}

export interface StateGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 196;
export const NODE_HEIGHT = 34;
const LAYER_GAP = 30;
const NODE_GAP = 26;
const SPACER_WIDTH = 14;
const MARGIN = 16;

interface Asl {
  StartAt?: string;
  States?: Record<
    string,
    { Type?: string; Next?: string; Default?: string; Catch?: { ErrorEquals?: string[]; Next?: string }[]; Choices?: { Next?: string }[] }
  >;
}

/** The transitions of a definition's top-level states (nested Parallel and Map branches stay inside their state). */
export function transitionsOf(definition: Asl): { from: string; to: string; kind: EdgeKind; label?: string }[] {
  const edges: { from: string; to: string; kind: EdgeKind; label?: string }[] = [];
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    if (state.Next) edges.push({ from: name, to: state.Next, kind: 'next' });
    for (const choice of state.Choices ?? []) if (choice.Next) edges.push({ from: name, to: choice.Next, kind: 'choice' });
    if (state.Default) edges.push({ from: name, to: state.Default, kind: 'choice', label: 'default' });
    for (const catcher of state.Catch ?? [])
      if (catcher.Next) edges.push({ from: name, to: catcher.Next, kind: 'catch', label: (catcher.ErrorEquals ?? []).join(', ') });
  }
  const names = new Set(Object.keys(definition.States ?? {}));
  return edges.filter((e) => names.has(e.to));
}

/** Lays out a definition (JSON text or parsed) as layers of states. */
export function layoutStateMachine(definition: string | Asl): StateGraph {
  const asl: Asl = typeof definition === 'string' ? JSON.parse(definition) : definition;
  const names = Object.keys(asl.States ?? {});
  const edges = transitionsOf(asl);

  // Discovery order from StartAt, following Next before catches: the happy path comes first.
  const order: string[] = [];
  const back = new Set<(typeof edges)[number]>();
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (order.includes(name)) return;
    visiting.add(name);
    order.push(name);
    for (const edge of edges.filter((e) => e.from === name)) {
      if (visiting.has(edge.to))
        back.add(edge); // a loop: drawn, but not used to rank
      else visit(edge.to);
    }
    visiting.delete(name);
  };
  if (asl.StartAt) visit(asl.StartAt);
  for (const name of names) visit(name);

  // Layer of each state: the longest path to it from a state nobody enters.
  const forward = edges.filter((e) => !back.has(e) && e.from !== e.to);
  const layer = new Map(names.map((n) => [n, 0]));
  for (let changed = true, rounds = 0; changed && rounds <= names.length; rounds++) {
    changed = false;
    for (const edge of forward) {
      if (layer.get(edge.to)! < layer.get(edge.from)! + 1) {
        layer.set(edge.to, layer.get(edge.from)! + 1);
        changed = true;
      }
    }
  }

  // Each layer's slots: states, and spacers where an edge crosses the layer.
  type Slot = { id: string; width: number; x: number; preds: string[] };
  const layers: Slot[][] = [];
  const slotOf = new Map<string, Slot>();
  const add = (depth: number, slot: Slot) => {
    (layers[depth] ??= []).push(slot);
    slotOf.set(slot.id, slot);
  };
  for (const name of order) add(layer.get(name)!, { id: name, width: NODE_WIDTH, x: 0, preds: [] });
  const routes = new Map<(typeof edges)[number], string[]>();
  forward.forEach((edge, i) => {
    const from = layer.get(edge.from)!;
    const to = layer.get(edge.to)!;
    const chain = [edge.from];
    for (let depth = from + 1; depth < to; depth++) {
      const id = `spacer:${i}:${depth}`;
      add(depth, { id, width: SPACER_WIDTH, x: 0, preds: [chain.at(-1)!] });
      chain.push(id);
    }
    slotOf.get(edge.to)!.preds.push(chain.at(-1)!);
    routes.set(edge, chain.slice(1));
  });

  // Order within layers by the mean position of predecessors, then place left to right.
  const place = (slots: Slot[]) => {
    let x = 0;
    for (const slot of slots) {
      slot.x = x + slot.width / 2;
      x += slot.width + NODE_GAP;
    }
  };
  layers.forEach(place);
  for (let sweep = 0; sweep < 4; sweep++) {
    for (const slots of layers.slice(1)) {
      const mean = (slot: Slot) =>
        slot.preds.length ? slot.preds.reduce((sum, p) => sum + slotOf.get(p)!.x, 0) / slot.preds.length : slot.x;
      const wanted = new Map(slots.map((slot) => [slot, mean(slot)]));
      slots.sort((a, b) => wanted.get(a)! - wanted.get(b)!);
      // Keep each slot as close to where its predecessors are as the slots on its left allow.
      let right = Number.NEGATIVE_INFINITY;
      for (const slot of slots) {
        slot.x = Math.max(wanted.get(slot)!, right + slot.width / 2);
        right = slot.x + slot.width / 2 + NODE_GAP;
      }
    }
  }
  const left = Math.min(...layers.flat().map((s) => s.x - s.width / 2));
  const shift = MARGIN - left;
  for (const slot of layers.flat()) slot.x += shift;
  const y = (depth: number) => MARGIN + depth * (NODE_HEIGHT + LAYER_GAP) + NODE_HEIGHT / 2;

  const nodes: GraphNode[] = names.map((name) => ({
    id: name,
    type: asl.States![name].Type ?? 'Task',
    x: slotOf.get(name)!.x,
    y: y(layer.get(name)!),
    layer: layer.get(name)!,
  }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const graphEdges: GraphEdge[] = edges.map((edge) => {
    const from = byId.get(edge.from)!;
    const to = byId.get(edge.to)!;
    const through = (routes.get(edge) ?? []).map((id) => {
      const slot = slotOf.get(id)!;
      return { x: slot.x, y: y(Number(id.split(':')[2])) };
    });
    return { ...edge, points: [{ x: from.x, y: from.y + NODE_HEIGHT / 2 }, ...through, { x: to.x, y: to.y - NODE_HEIGHT / 2 }] };
  });
  const width = Math.max(...layers.flat().map((s) => s.x + s.width / 2)) + MARGIN;
  const height = y(Math.max(0, layers.length - 1)) + NODE_HEIGHT / 2 + MARGIN;
  return { nodes, edges: graphEdges, width, height };
}

/** An SVG path through the points: vertical curves between layers. */
export function curveThrough(points: { x: number; y: number }[]): string {
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const bend = Math.max(12, Math.abs(b.y - a.y) / 2);
    d += ` C ${a.x} ${a.y + bend}, ${b.x} ${b.y - bend}, ${b.x} ${b.y}`;
  }
  return d;
}
