import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EngineEvent, Report } from '../engine/events.ts';

/** One checkpoint's last result. */
export interface CheckpointResult {
  step: number;
  ok: boolean;
  detail?: string;
  /** Epoch ms of the run. */
  at: number;
}

/** What a learner has done in one lab. */
export interface LabProgress {
  checkpoints: Record<string, CheckpointResult>;
  /** The last deploy or destroy from the site: what it was, when, and whether it worked. */
  lastDeploy?: { what: string; ok: boolean; at: number };
}

/** Where the learner was last reading: a page and the heading in view. */
export interface ReadingPosition {
  path: string;
  anchor?: string;
  title?: string;
  at: number;
}

/** A learner's progress as the lab API answers it. */
export interface Progress {
  learner: string;
  labs: Record<string, LabProgress>;
  position?: ReadingPosition;
}

type ProgressFile = { version: 1; learners: Record<string, Omit<Progress, 'learner'>> };

/**
 * Each learner's checkpoint results, kept in one JSON file in the project's `.workshop/` folder so
 * they survive a restart. Writes replace the file atomically (write, then rename), so a crash
 * never leaves half a file. Learners are keyed by target and prefix: progress against the local
 * cloud says nothing about an AWS account. The lab API and the CLI (a learner running
 * `npx workshop verify` in a terminal) share the file: each reads it again when the other has
 * replaced it.
 */
export class ProgressStore {
  private data: ProgressFile | undefined;
  /** The file as last read or written (modification time and size), to notice another writer. */
  private seen = '';

  constructor(private readonly file: string) {}

  private onDisk(): string {
    try {
      const { mtimeMs, size } = statSync(this.file);
      return `${mtimeMs}/${size}`;
    } catch {
      return '';
    }
  }

  private load(): ProgressFile {
    const onDisk = this.onDisk();
    if (this.data && onDisk === this.seen) return this.data;
    this.seen = onDisk;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as ProgressFile;
      this.data = parsed.version === 1 && parsed.learners ? parsed : { version: 1, learners: {} };
    } catch {
      // No file yet (or one that does not parse): start empty rather than refuse to serve.
      this.data = { version: 1, learners: {} };
    }
    return this.data;
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, null, 1));
    renameSync(temporary, this.file);
    this.seen = this.onDisk();
  }

  private learner(learner: string): Omit<Progress, 'learner'> {
    const data = this.load();
    return (data.learners[learner] ??= { labs: {} });
  }

  private lab(learner: string, lab: string): LabProgress {
    return (this.learner(learner).labs[lab] ??= { checkpoints: {} });
  }

  get(learner: string): Progress {
    return { learner, ...structuredClone(this.learner(learner)) };
  }

  recordCheckpoint(learner: string, lab: string, id: string, result: CheckpointResult): void {
    this.lab(learner, lab).checkpoints[id] = result;
    this.save();
  }

  recordDeploy(learner: string, lab: string, what: string, ok: boolean): void {
    this.lab(learner, lab).lastDeploy = { what, ok, at: Date.now() };
    this.save();
  }

  recordPosition(learner: string, position: ReadingPosition): void {
    this.learner(learner).position = position;
    this.save();
  }

  /** Forgets a learner's results: of one lab, or of every lab and the reading position. */
  reset(learner: string, lab?: string): void {
    const data = this.load();
    if (lab) delete this.learner(learner).labs[lab];
    else delete data.learners[learner];
    this.save();
  }
}

/** A report that also records each checkpoint result of a verify run in the store. */
export function recordingCheckpoints(store: ProgressStore, learner: string, lab: string, report: Report): Report {
  return (event: EngineEvent) => {
    if (event.type === 'checkpoint')
      store.recordCheckpoint(learner, lab, event.id, { step: event.step, ok: event.ok, detail: event.detail, at: Date.now() });
    report(event);
  };
}

/** How the progress (and the lab's status on the site) names a deploy. */
export function deployDescription(solution: boolean, step: number): string {
  return solution ? (Number.isFinite(step) ? `the solution up to step ${step}` : 'the solution') : 'your stack.ts';
}

/** A report that also records how a deploy or destroy ended. */
export function recordingDeploy(store: ProgressStore, learner: string, lab: string, what: string, report: Report): Report {
  return (event: EngineEvent) => {
    if (event.type === 'done') store.recordDeploy(learner, lab, what, event.ok);
    report(event);
  };
}
