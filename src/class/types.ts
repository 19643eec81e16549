/**
 * The class server's contract: what learners report, what the dashboard receives. Declared once
 * here; the dashboard imports these types only (type-only imports keep Node code out of the site).
 */
import type { PreflightCheck, PreflightResult } from '../engine/preflight.ts';

/** A learner's preflight: the checks `doctor` runs on their machine and target. */
export type Preflight = PreflightResult;
export type { PreflightCheck };

/** One checkpoint of a verify run, as a learner reports it: id, pass or fail, time taken. */
export interface ReportedCheckpoint {
  id: string;
  step: number;
  ok: boolean;
  durationMs: number;
}

/** What a learner's lab API sends to the class server (`POST /class/reports`). */
export type LearnerReport =
  | {
      id: string;
      learner: string;
      kind: 'verify';
      at: number;
      sentAt: number;
      lab: string;
      step?: number;
      durationMs: number;
      checkpoints: ReportedCheckpoint[];
    }
  | { id: string; learner: string; kind: 'preflight'; at: number; sentAt: number; preflight: Preflight };

/** Where one learner stands on one checkpoint. */
export interface CheckpointState {
  ok: boolean;
  /** When the latest result was produced (server time, epoch ms). */
  at: number;
  durationMs: number;
  /** How many times it was run. */
  attempts: number;
  /** Since when it has been failing without passing in between; null while it passes. */
  failingSince: number | null;
  /** When it passed for the first time; null until it has. */
  firstPassedAt: number | null;
}

/** A learner as the dashboard sees them. */
export interface LearnerState {
  id: string;
  name: string;
  /** Their resource prefix (stack names, resources), to find their resources in a shared account. */
  prefix: string | null;
  target: string | null;
  joinedAt: number;
  leftAt: number | null;
  lastSeenAt: number;
  /** When a checkpoint last passed for the first time. */
  lastProgressAt: number | null;
  preflight: (Preflight & { at: number }) | null;
  /** lab id → checkpoint id → state. */
  results: Record<string, Record<string, CheckpointState>>;
}

/** A lab as the class knows it: its steps and checkpoints with their hints, notes and release. */
export interface ClassLab {
  id: string;
  slug: string;
  title: string;
  steps: { n: number; title: string }[];
  checkpoints: { id: string; step: number; title: string; hint: string }[];
  /** Whether labs/<slug>/instructor.md exists. */
  hasNotes: boolean;
  /** When the instructor released the solution; null while it is held back. */
  releasedAt: number | null;
}

/** Everything the dashboard shows, as of `now`. */
export interface ClassSnapshot {
  class: { id: string; name: string; createdAt: number };
  now: number;
  labs: ClassLab[];
  learners: LearnerState[];
}

/** The dashboard's live stream: a snapshot first, then each change. */
export type ClassEvent =
  | { type: 'snapshot'; snapshot: ClassSnapshot }
  | { type: 'learner'; learner: LearnerState }
  | {
      type: 'results';
      learnerId: string;
      lab: string;
      results: Record<string, CheckpointState>;
      lastSeenAt: number;
      lastProgressAt: number | null;
    }
  | { type: 'preflight'; learnerId: string; preflight: Preflight & { at: number }; lastSeenAt: number }
  | { type: 'release'; lab: string; releasedAt: number | null }
  | { type: 'removed'; learnerId: string };

/** What a learner learns about their class (`GET /class/me`, and after each report). */
export interface MembershipInfo {
  class: { id: string; name: string };
  learner: { id: string; name: string };
  /** lab id → when its solution was released. */
  released: Record<string, number>;
}
