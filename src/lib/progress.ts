// The lab API's shapes are declared beside the Node code that produces them (type-only imports).
import type { Progress } from '../api/progress-store.ts';
import type { LabSummary } from '../engine/engine.ts';

export type { LabSummary, Progress };

/** Announced on the window when checkpoint results or deployments change, so every widget refreshes. */
export const PROGRESS_CHANGED = 'workshop:progress-changed';
export const LAB_CHANGED = 'workshop:lab-changed';

/** Tells the page that a lab's stack or results changed (after a deploy, a destroy or a check). */
export function announceLabChange(lab: string, kind: 'deploy' | 'verify'): void {
  window.dispatchEvent(new CustomEvent(kind === 'deploy' ? LAB_CHANGED : PROGRESS_CHANGED, { detail: { lab } }));
  if (kind === 'deploy') window.dispatchEvent(new CustomEvent(PROGRESS_CHANGED, { detail: { lab } }));
}

export interface LabStanding {
  passed: number;
  total: number;
  /** Steps whose checkpoints all passed when last run. */
  stepsDone: number[];
  done: boolean;
}

/** How far a learner is in a lab: a step is done when every checkpoint of it passed its last run. */
export function standing(lab: Pick<LabSummary, 'steps' | 'checkpoints'>, progress: Progress | undefined, labId: string): LabStanding {
  const results = progress?.labs[labId]?.checkpoints ?? {};
  const passed = lab.checkpoints.filter((c) => results[c.id]?.ok).length;
  const stepsDone = lab.steps
    .filter((step) => {
      const own = lab.checkpoints.filter((c) => c.step === step.n);
      return own.length > 0 && own.every((c) => results[c.id]?.ok);
    })
    .map((step) => step.n);
  return { passed, total: lab.checkpoints.length, stepsDone, done: lab.checkpoints.length > 0 && passed === lab.checkpoints.length };
}

export async function fetchProgress(): Promise<Progress> {
  const response = await fetch('/api/progress', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`progress: ${response.status}`);
  return response.json();
}

export async function fetchLabs(): Promise<LabSummary[]> {
  const response = await fetch('/api/labs', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`labs: ${response.status}`);
  return (await response.json()).labs;
}

/** Forgets the learner's results (of one lab, or all of them and the reading position). */
export async function resetProgress(lab?: string): Promise<Progress> {
  const response = await fetch('/api/progress/reset', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(lab ? { lab } : {}),
  });
  if (!response.ok) throw new Error((await response.json()).error?.message ?? `reset: ${response.status}`);
  return response.json();
}

/** Remembers where the learner is reading. */
export function savePosition(position: { path: string; anchor?: string; title?: string }): void {
  void fetch('/api/progress/position', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(position),
    keepalive: true,
  }).catch(() => undefined);
}
