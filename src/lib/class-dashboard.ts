// What the class dashboard shows, worked out from the class server's snapshot and events. The
// shapes are the class server's (type-only import: nothing of the server enters the bundle).
import type { ClassEvent, ClassLab, ClassSnapshot, LearnerState } from '../class/types.ts';

export type { ClassEvent, ClassLab, ClassSnapshot, LearnerState };

/** Folds one event of the live stream into the snapshot. */
export function applyEvent(snapshot: ClassSnapshot | undefined, event: ClassEvent): ClassSnapshot | undefined {
  if (event.type === 'snapshot') return event.snapshot;
  if (!snapshot) return snapshot;
  const updateLearner = (id: string, update: (learner: LearnerState) => LearnerState) => ({
    ...snapshot,
    learners: snapshot.learners.map((l) => (l.id === id ? update(l) : l)),
  });
  switch (event.type) {
    case 'learner': {
      const exists = snapshot.learners.some((l) => l.id === event.learner.id);
      return exists
        ? updateLearner(event.learner.id, () => event.learner)
        : { ...snapshot, learners: [...snapshot.learners, event.learner] };
    }
    case 'results':
      return updateLearner(event.learnerId, (l) => ({
        ...l,
        lastSeenAt: event.lastSeenAt,
        lastProgressAt: event.lastProgressAt,
        results: { ...l.results, [event.lab]: event.results },
      }));
    case 'preflight':
      return updateLearner(event.learnerId, (l) => ({ ...l, preflight: event.preflight, lastSeenAt: event.lastSeenAt }));
    case 'release':
      return { ...snapshot, labs: snapshot.labs.map((lab) => (lab.id === event.lab ? { ...lab, releasedAt: event.releasedAt } : lab)) };
    case 'removed':
      return { ...snapshot, learners: snapshot.learners.filter((l) => l.id !== event.learnerId) };
  }
}

const active = (snapshot: ClassSnapshot) => snapshot.learners.filter((l) => l.leftAt === null);

/** Where a learner stands on a lab: checkpoints passed, and whether they started it. */
export function labProgress(learner: LearnerState, lab: ClassLab): { passed: number; total: number; started: boolean } {
  const results = learner.results[lab.id] ?? {};
  return {
    passed: lab.checkpoints.filter((c) => results[c.id]?.ok).length,
    total: lab.checkpoints.length,
    started: Object.keys(results).length > 0,
  };
}

/** Why a learner looks stuck, and where. */
export type Stuck =
  | { learner: LearnerState; kind: 'failing'; since: number; lab: ClassLab; checkpoint: ClassLab['checkpoints'][number]; attempts: number }
  | { learner: LearnerState; kind: 'idle'; since: number };

/**
 * Learners who look stuck: the same checkpoint failing for more than `thresholdMs` (the one
 * failing longest is named), or no checkpoint passing for the first time in that long. Learners
 * who left, or who passed everything, are not stuck. The longest stuck come first.
 */
export function stuckLearners(snapshot: ClassSnapshot, now: number, thresholdMs: number): Stuck[] {
  const stuck: Stuck[] = [];
  for (const learner of active(snapshot)) {
    let worst: Extract<Stuck, { kind: 'failing' }> | undefined;
    for (const lab of snapshot.labs) {
      for (const checkpoint of lab.checkpoints) {
        const state = learner.results[lab.id]?.[checkpoint.id];
        if (!state || state.ok || state.failingSince === null || now - state.failingSince < thresholdMs) continue;
        if (!worst || state.failingSince < worst.since)
          worst = { learner, kind: 'failing', since: state.failingSince, lab, checkpoint, attempts: state.attempts };
      }
    }
    if (worst) {
      stuck.push(worst);
      continue;
    }
    const finished = snapshot.labs.every((lab) => labProgress(learner, lab).passed === lab.checkpoints.length);
    const since = learner.lastProgressAt ?? learner.joinedAt;
    if (!finished && now - since >= thresholdMs) stuck.push({ learner, kind: 'idle', since });
  }
  return stuck.sort((a, b) => a.since - b.since);
}

/** The checkpoint of a lab that fails for the most learners right now, with its hint. */
export function mostCommonFailure(
  snapshot: ClassSnapshot,
  lab: ClassLab,
): { checkpoint: ClassLab['checkpoints'][number]; learners: string[] } | undefined {
  let best: { checkpoint: ClassLab['checkpoints'][number]; learners: string[] } | undefined;
  for (const checkpoint of lab.checkpoints) {
    const learners = active(snapshot)
      .filter((l) => l.results[lab.id]?.[checkpoint.id]?.ok === false)
      .map((l) => l.name);
    if (learners.length > 0 && (!best || learners.length > best.learners.length)) best = { checkpoint, learners };
  }
  return best;
}

/** How many learners are through each step of a lab (every checkpoint of the step passes), of those in the class. */
export function pacing(snapshot: ClassSnapshot, lab: ClassLab): { n: number; title: string; through: number; of: number }[] {
  const learners = active(snapshot);
  return lab.steps.map((step) => {
    const checkpoints = lab.checkpoints.filter((c) => c.step === step.n);
    const through = checkpoints.length === 0 ? 0 : learners.filter((l) => checkpoints.every((c) => l.results[lab.id]?.[c.id]?.ok)).length;
    return { n: step.n, title: step.title, through, of: learners.length };
  });
}

/** "4 min", "1 h 5 min": how long something has lasted. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
