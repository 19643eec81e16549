// Relative imports (not @site/…): the unit tests run this file under Node.
import { type EdgeCounter, type GraphIndex, type Marks, marksFor, type Tone } from '../../lib/architecture-activity.ts';
import type { FlowEvent } from '../../lib/flow.ts';
import { animationFrames, type FrameScheduler } from '../../lib/frame-queue.ts';

type EdgeElements = { pulse: SVGPathElement | null; counters: Partial<Record<EdgeCounter, HTMLElement | null>> };
type NodeElements = { box: HTMLElement | null; text: HTMLElement | null; alarm: HTMLElement | null };

/** What was painted for one event: its sequence number, when the cloud emitted it, when the page got it and when it was on screen. */
export interface Painted {
  seq: number;
  emittedAt: number;
  receivedAt: number;
  paintedAt: number;
}

const now = () => performance.timeOrigin + performance.now();

const PULSE_MS = 900;
const colours: Record<Tone, string> = {
  move: 'var(--arch-move)',
  filtered: 'var(--arch-filtered)',
  retry: 'var(--arch-retry)',
  fail: 'var(--arch-fail)',
  'dead-letter': 'var(--arch-fail)',
};

/**
 * Lights the diagram as events arrive, outside React: events are queued and applied once per
 * animation frame (a burst of a thousand messages costs one style pass per frame, not one render
 * per event), pulses are Web Animations, and counters are text written into spans React leaves
 * empty. Counts survive a new layout: elements register again and get their current numbers.
 *
 * Only what changed is written: setting a counter's text or `hidden` to what it already is still
 * makes the browser lay the page out again, and under a burst that was most of every frame. A
 * diagram scrolled out of view keeps counting but starts no pulses (nobody would see them, and
 * each running one costs a style and paint pass every frame).
 */
export class DiagramLights {
  private readonly nodes = new Map<string, NodeElements>();
  private readonly edges = new Map<string, EdgeElements>();
  private readonly edgeCounts = new Map<string, Record<EdgeCounter, number>>();
  private readonly alarms = new Map<string, number>();
  private pending: { event: FlowEvent; marks: Marks; receivedAt: number }[] = [];
  private frame: number | undefined;
  /** The pulse each element shows now, if any. */
  private readonly pulses = new WeakMap<Element, Animation>();
  /** Whether the diagram is on screen (or near it): pulses are only started then. */
  private visible = true;
  /** Events that lit something, since the diagram opened. */
  matched = 0;

  constructor(
    private index: GraphIndex,
    private readonly onPainted: (painted: Painted[]) => void,
    private readonly frames: FrameScheduler = animationFrames,
  ) {}

  /** The diagram came into view or left it. */
  setVisible(visible: boolean): void {
    this.visible = visible;
  }

  setIndex(index: GraphIndex): void {
    this.index = index;
  }

  registerNode(id: string, elements: NodeElements): void {
    this.nodes.set(id, elements);
    this.showAlarm(id);
  }

  /** An edge's pulse path and its label's counters render in different layers; each registers its part. */
  registerEdge(id: string, part: Partial<EdgeElements>): void {
    const current = this.edges.get(id) ?? { pulse: null, counters: {} };
    this.edges.set(id, { pulse: part.pulse ?? current.pulse, counters: part.counters ?? current.counters });
    this.showCounts(id);
  }

  /** Takes one event from the stream; it reaches the screen on the next frame. */
  push(event: FlowEvent): void {
    const marks = marksFor(event, this.index);
    if (marks.nodes.length === 0 && marks.edges.length === 0) return;
    this.matched++;
    this.pending.push({ event, marks, receivedAt: now() });
    this.frame ??= this.frames.request(() => this.flush());
  }

  private flush(): void {
    this.frame = undefined;
    const batch = this.pending;
    this.pending = [];
    // One pulse per element per frame, in the strongest tone of the frame.
    const nodeTones = new Map<string, { tone: Tone; text?: string }>();
    const edgeTones = new Map<string, Tone>();
    for (const { marks } of batch) {
      for (const mark of marks.nodes) {
        nodeTones.set(mark.id, {
          tone: stronger(nodeTones.get(mark.id)?.tone, mark.tone),
          text: mark.text ?? nodeTones.get(mark.id)?.text,
        });
        if (mark.tone === 'dead-letter') this.alarms.set(mark.id, (this.alarms.get(mark.id) ?? 0) + 1);
      }
      for (const mark of marks.edges) {
        edgeTones.set(mark.id, stronger(edgeTones.get(mark.id), mark.tone));
        if (mark.count) {
          const counts = this.edgeCounts.get(mark.id) ?? { passed: 0, filtered: 0, failed: 0 };
          counts[mark.count]++;
          this.edgeCounts.set(mark.id, counts);
        }
      }
    }
    nodeTones.forEach(({ tone, text }, id) => {
      const elements = this.nodes.get(id);
      if (!elements?.box) return;
      if (this.visible) this.pulse(elements.box, [{ boxShadow: `0 0 0 7px ${colours[tone]}` }, { boxShadow: '0 0 0 0 transparent' }]);
      if (elements.box.dataset.lastTone !== tone) elements.box.dataset.lastTone = tone;
      if (text && elements.text) setText(elements.text, text);
      if (tone === 'dead-letter') this.showAlarm(id);
    });
    edgeTones.forEach((tone, id) => {
      const elements = this.edges.get(id);
      if (elements?.pulse && this.visible) {
        if (elements.pulse.style.stroke !== colours[tone]) elements.pulse.style.stroke = colours[tone];
        this.pulse(elements.pulse, [
          { opacity: 1, strokeDashoffset: '24' },
          { opacity: 0, strokeDashoffset: '0' },
        ]);
      }
      this.showCounts(id);
    });
    // The frame after this one is on screen: that is when a learner can see it.
    this.frames.request(() => {
      const paintedAt = now();
      this.onPainted(batch.map(({ event, receivedAt }) => ({ seq: event.seq, emittedAt: event.time, receivedAt, paintedAt })));
    });
  }

  /**
   * Pulses an element, restarting its pulse if one is still running rather than adding another:
   * while messages keep coming, a new animation every frame would leave dozens running at once
   * on each element, each one painted every frame.
   */
  private pulse(element: Element, keyframes: Keyframe[]): void {
    const running = this.pulses.get(element);
    if (running?.playState === 'running' && running.effect instanceof KeyframeEffect) {
      running.effect.setKeyframes(keyframes);
      running.currentTime = 0;
      return;
    }
    this.pulses.set(element, element.animate(keyframes, { duration: PULSE_MS, easing: 'ease-out' }));
  }

  private showCounts(id: string): void {
    const counts = this.edgeCounts.get(id);
    const elements = this.edges.get(id);
    if (!counts || !elements) return;
    for (const key of ['passed', 'filtered', 'failed'] as const) {
      const element = elements.counters[key];
      if (!element) continue;
      setHidden(element, counts[key] === 0);
      if (counts[key] > 0)
        setText(
          element,
          key === 'passed' ? `${counts[key]}` : key === 'filtered' ? `✕ ${counts[key]} filtered` : `✗ ${counts[key]} failed`,
        );
    }
  }

  private showAlarm(id: string): void {
    const count = this.alarms.get(id);
    const elements = this.nodes.get(id);
    if (!count || !elements?.alarm || !elements.box) return;
    setHidden(elements.alarm, false);
    setText(elements.alarm, `${count} in DLQ`);
    if (elements.box.dataset.alarm !== 'true') elements.box.dataset.alarm = 'true';
  }

  /** Every edge's counts, for the diagram's text twin. */
  counts(): Map<string, Record<EdgeCounter, number>> {
    return this.edgeCounts;
  }

  stop(): void {
    if (this.frame !== undefined) this.frames.cancel(this.frame);
    this.frame = undefined;
  }
}

/** Writes an element's text only when it changes (a write of the same text is still a layout). */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function setHidden(element: HTMLElement, hidden: boolean): void {
  if (element.hidden !== hidden) element.hidden = hidden;
}

const strength: Record<Tone, number> = { filtered: 0, move: 1, retry: 2, fail: 3, 'dead-letter': 4 };
const stronger = (a: Tone | undefined, b: Tone): Tone => (a && strength[a] >= strength[b] ? a : b);
