// The learner's side of a class, through their lab API (which does the talking to the class
// server). Shapes come from the Node side, type-only.
import type { ClassStatus } from '../class/learner/classroom.ts';
import type { PreflightResult } from '../engine/preflight.ts';

export type { ClassStatus, PreflightResult };

async function answer<T>(response: Response): Promise<T> {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error?.message ?? `The lab API answered ${response.status}.`);
  return body as T;
}

/** Whether this learner is in a class, which one, and what waits to be sent. */
export async function classStatus(): Promise<ClassStatus> {
  return answer(await fetch('/api/class'));
}

/** Joins a class; the answer carries this machine's preflight, which the instructor now sees. */
export async function joinClass(input: { url: string; code: string; name: string }): Promise<ClassStatus & { preflight: PreflightResult }> {
  return answer(
    await fetch('/api/class/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),
  );
}

export async function leaveClass(): Promise<ClassStatus> {
  return answer(await fetch('/api/class/leave', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
}
