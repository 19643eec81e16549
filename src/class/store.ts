import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ClassError } from './errors.ts';
import { cleanName, nameKey } from './names.ts';
import { foldResult } from './progress.ts';
import { hashToken, newJoinCode, newToken } from './secrets.ts';
import type { CheckpointState, LearnerState, Preflight, ReportedCheckpoint } from './types.ts';

/** The class itself: who it is, and the two secrets that open it. */
export interface ClassInfo {
  id: string;
  name: string;
  /** What learners type to join (`K7PQ-2MXA`). */
  code: string;
  /** What opens the dashboard; never given to learners. */
  instructorToken: string;
  createdAt: number;
}

/** One verify run or preflight as received, kept for the export's history. */
export interface RunRecord {
  id: string;
  learnerId: string;
  kind: 'verify' | 'preflight';
  lab: string | null;
  at: number;
  receivedAt: number;
  durationMs: number | null;
  passed: number | null;
  total: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS class (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  id TEXT NOT NULL, name TEXT NOT NULL, code TEXT NOT NULL, instructor_token TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS learners (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT, target TEXT,
  joined_at INTEGER NOT NULL, left_at INTEGER, last_seen_at INTEGER NOT NULL, last_progress_at INTEGER,
  preflight TEXT, preflight_at INTEGER
);
CREATE TABLE IF NOT EXISTS results (
  learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
  lab TEXT NOT NULL, checkpoint TEXT NOT NULL, step INTEGER NOT NULL,
  ok INTEGER NOT NULL, at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, attempts INTEGER NOT NULL,
  failing_since INTEGER, first_passed_at INTEGER,
  PRIMARY KEY (learner_id, lab, checkpoint)
);
CREATE TABLE IF NOT EXISTS runs (
  learner_id TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
  id TEXT NOT NULL, kind TEXT NOT NULL, lab TEXT, at INTEGER NOT NULL, received_at INTEGER NOT NULL,
  duration_ms INTEGER, passed INTEGER, total INTEGER,
  PRIMARY KEY (learner_id, id)
);
CREATE TABLE IF NOT EXISTS releases (lab TEXT PRIMARY KEY, released_at INTEGER NOT NULL);
`;

type Row = Record<string, string | number | null>;

/**
 * A class's state in an embedded SQLite database (Node's built-in node:sqlite): the class, its
 * learners, where each stands on each checkpoint, every run received, and the released solutions.
 * Everything survives a restart of the class server; learners' tokens are kept hashed.
 */
export class ClassStore {
  private readonly statements = new Map<string, StatementSync>();

  private constructor(
    private readonly db: DatabaseSync,
    readonly info: ClassInfo,
  ) {}

  /** A prepared statement, prepared once: a room's reports arrive by the hundred. */
  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Opens the class in `file` (created with a new join code and token when it does not exist). */
  static open(file: string, options: { name?: string; now?: number } = {}): ClassStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new DatabaseSync(file);
    // WAL: the dashboard's reads never wait for a learner's write; NORMAL is durable across a
    // crash of the process (not of the machine), which is what a classroom needs.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 2000;');
    db.exec(SCHEMA);
    let row = db.prepare('SELECT id, name, code, instructor_token, created_at FROM class').get() as Row | undefined;
    if (!row) {
      const createdAt = options.now ?? Date.now();
      const name = options.name?.trim() || `Wild Rydes class, ${new Date(createdAt).toISOString().slice(0, 10)}`;
      db.prepare('INSERT INTO class (singleton, id, name, code, instructor_token, created_at) VALUES (1, ?, ?, ?, ?, ?)').run(
        randomUUID(),
        name,
        newJoinCode(),
        newToken(),
        createdAt,
      );
      row = db.prepare('SELECT id, name, code, instructor_token, created_at FROM class').get() as Row;
    }
    return new ClassStore(db, {
      id: String(row.id),
      name: String(row.name),
      code: String(row.code),
      instructorToken: String(row.instructor_token),
      createdAt: Number(row.created_at),
    });
  }

  close(): void {
    this.db.close();
  }

  /** Runs `work` in one transaction: a report is applied whole or not at all. */
  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Adds a learner under a unique name and returns their secret token. A name whose learner left
   * the class can be taken again: it is the same person coming back (their results stay).
   */
  join(input: { name: string; prefix?: string; target?: string; now?: number; maxLearners?: number }): {
    learner: LearnerState;
    token: string;
  } {
    const name = cleanName(input.name);
    if (!name) throw new ClassError(400, 'BadName', 'Choose a name with at least one letter or digit (--name "Ana Silva").');
    const key = nameKey(name);
    const now = input.now ?? Date.now();
    const token = newToken();
    return this.transaction(() => {
      const existing = this.sql('SELECT id, left_at FROM learners WHERE name_key = ?').get(key) as Row | undefined;
      if (existing && existing.left_at === null) {
        throw new ClassError(
          409,
          'NameTaken',
          `Someone in this class already uses the name "${name}". Join with another name (for example with your surname's initial).`,
        );
      }
      if (existing) {
        this.sql('UPDATE learners SET name = ?, token_hash = ?, prefix = ?, target = ?, left_at = NULL, last_seen_at = ? WHERE id = ?').run(
          name,
          hashToken(token),
          input.prefix ?? null,
          input.target ?? null,
          now,
          existing.id,
        );
        return { learner: this.learner(String(existing.id))!, token };
      }
      const count = Number((this.sql('SELECT COUNT(*) AS n FROM learners').get() as Row).n);
      if (input.maxLearners !== undefined && count >= input.maxLearners)
        throw new ClassError(403, 'ClassFull', `This class is full (${input.maxLearners} learners). Ask your instructor.`);
      const id = randomUUID();
      this.db
        .prepare(
          'INSERT INTO learners (id, name, name_key, token_hash, prefix, target, joined_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, name, key, hashToken(token), input.prefix ?? null, input.target ?? null, now, now);
      return { learner: this.learner(id)!, token };
    });
  }

  /** Who a token belongs to (whether or not they left), or undefined. */
  learnerByToken(token: string): { id: string; name: string; leftAt: number | null } | undefined {
    const row = this.sql('SELECT id, name, left_at FROM learners WHERE token_hash = ?').get(hashToken(token)) as Row | undefined;
    return row ? { id: String(row.id), name: String(row.name), leftAt: numberOrNull(row.left_at) } : undefined;
  }

  /** Marks a learner as gone; their results stay on the dashboard, greyed. */
  leave(learnerId: string, now = Date.now()): LearnerState | undefined {
    this.sql('UPDATE learners SET left_at = ? WHERE id = ? AND left_at IS NULL').run(now, learnerId);
    return this.learner(learnerId);
  }

  /** Removes a learner and everything they reported (the instructor frees a name). */
  remove(learnerId: string): boolean {
    return Number(this.sql('DELETE FROM learners WHERE id = ?').run(learnerId).changes) > 0;
  }

  /**
   * Applies a verify run: each checkpoint's state is folded with its result. A run already
   * received (a queued report sent twice) changes nothing.
   */
  recordVerify(
    learnerId: string,
    run: { id: string; lab: string; at: number; durationMs: number; checkpoints: ReportedCheckpoint[] },
    now = Date.now(),
  ): { duplicate: boolean; results: Record<string, CheckpointState>; lastProgressAt: number | null; lastSeenAt: number } {
    return this.transaction(() => {
      const passed = run.checkpoints.filter((c) => c.ok).length;
      const inserted = this.db
        .prepare(
          "INSERT OR IGNORE INTO runs (learner_id, id, kind, lab, at, received_at, duration_ms, passed, total) VALUES (?, ?, 'verify', ?, ?, ?, ?, ?, ?)",
        )
        .run(learnerId, run.id, run.lab, run.at, now, Math.round(run.durationMs), passed, run.checkpoints.length);
      const duplicate = Number(inserted.changes) === 0;
      const learner = this.sql('SELECT last_progress_at FROM learners WHERE id = ?').get(learnerId) as Row;
      let lastProgressAt = learner.last_progress_at === null ? null : Number(learner.last_progress_at);
      if (!duplicate) {
        const select = this.sql(
          'SELECT ok, at, duration_ms, attempts, failing_since, first_passed_at FROM results WHERE learner_id = ? AND lab = ? AND checkpoint = ?',
        );
        const upsert = this.sql(
          `INSERT INTO results (learner_id, lab, checkpoint, step, ok, at, duration_ms, attempts, failing_since, first_passed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (learner_id, lab, checkpoint) DO UPDATE SET step = excluded.step, ok = excluded.ok, at = excluded.at, duration_ms = excluded.duration_ms,
             attempts = excluded.attempts, failing_since = excluded.failing_since, first_passed_at = excluded.first_passed_at`,
        );
        for (const checkpoint of run.checkpoints) {
          const row = select.get(learnerId, run.lab, checkpoint.id) as Row | undefined;
          const previous = row ? toState(row) : undefined;
          const next = foldResult(previous, { ok: checkpoint.ok, at: run.at, durationMs: Math.round(checkpoint.durationMs) });
          if (next.firstPassedAt !== null && previous?.firstPassedAt == null)
            lastProgressAt = Math.max(lastProgressAt ?? 0, next.firstPassedAt);
          upsert.run(
            learnerId,
            run.lab,
            checkpoint.id,
            checkpoint.step,
            next.ok ? 1 : 0,
            next.at,
            next.durationMs,
            next.attempts,
            next.failingSince,
            next.firstPassedAt,
          );
        }
      }
      this.sql('UPDATE learners SET last_seen_at = ?, last_progress_at = ? WHERE id = ?').run(now, lastProgressAt, learnerId);
      const results: Record<string, CheckpointState> = {};
      for (const row of this.sql('SELECT * FROM results WHERE learner_id = ? AND lab = ?').all(learnerId, run.lab) as Row[])
        results[String(row.checkpoint)] = toState(row);
      return { duplicate, results, lastProgressAt, lastSeenAt: now };
    });
  }

  /** Keeps a learner's latest preflight (a report sent twice is applied once). */
  recordPreflight(learnerId: string, run: { id: string; at: number; preflight: Preflight }, now = Date.now()): { duplicate: boolean } {
    return this.transaction(() => {
      const inserted = this.sql("INSERT OR IGNORE INTO runs (learner_id, id, kind, at, received_at) VALUES (?, ?, 'preflight', ?, ?)").run(
        learnerId,
        run.id,
        run.at,
        now,
      );
      const duplicate = Number(inserted.changes) === 0;
      if (!duplicate) {
        this.sql('UPDATE learners SET preflight = ?, preflight_at = ? WHERE id = ? AND (preflight_at IS NULL OR preflight_at <= ?)').run(
          JSON.stringify(run.preflight),
          run.at,
          learnerId,
          run.at,
        );
      }
      this.sql('UPDATE learners SET last_seen_at = ? WHERE id = ?').run(now, learnerId);
      return { duplicate };
    });
  }

  /** Releases (or holds back again, with null) the solution of a lab. */
  release(lab: string, at: number | null): void {
    if (at === null) this.sql('DELETE FROM releases WHERE lab = ?').run(lab);
    else
      this.sql(
        'INSERT INTO releases (lab, released_at) VALUES (?, ?) ON CONFLICT (lab) DO UPDATE SET released_at = excluded.released_at',
      ).run(lab, at);
  }

  /** lab id → when its solution was released. */
  releases(): Record<string, number> {
    const rows = this.sql('SELECT lab, released_at FROM releases').all() as Row[];
    return Object.fromEntries(rows.map((r) => [String(r.lab), Number(r.released_at)]));
  }

  learner(id: string): LearnerState | undefined {
    const row = this.sql('SELECT * FROM learners WHERE id = ?').get(id) as Row | undefined;
    return row ? toLearner(row, this.results(id)) : undefined;
  }

  /** Every learner, in the order they joined. */
  learners(): LearnerState[] {
    const results = new Map<string, LearnerState['results']>();
    for (const row of this.sql('SELECT * FROM results').all() as Row[]) {
      const byLab = results.get(String(row.learner_id)) ?? {};
      addResult(byLab, row);
      results.set(String(row.learner_id), byLab);
    }
    return (this.sql('SELECT * FROM learners ORDER BY joined_at, name').all() as Row[]).map((row) =>
      toLearner(row, results.get(String(row.id)) ?? {}),
    );
  }

  /** Every run received, oldest first (the export's history). */
  runs(): RunRecord[] {
    return (this.sql('SELECT * FROM runs ORDER BY at, received_at').all() as Row[]).map((r) => ({
      id: String(r.id),
      learnerId: String(r.learner_id),
      kind: r.kind as RunRecord['kind'],
      lab: r.lab === null ? null : String(r.lab),
      at: Number(r.at),
      receivedAt: Number(r.received_at),
      durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
      passed: r.passed === null ? null : Number(r.passed),
      total: r.total === null ? null : Number(r.total),
    }));
  }

  private results(learnerId: string): LearnerState['results'] {
    const byLab: LearnerState['results'] = {};
    for (const row of this.sql('SELECT * FROM results WHERE learner_id = ?').all(learnerId) as Row[]) addResult(byLab, row);
    return byLab;
  }
}

const numberOrNull = (value: string | number | null) => (value === null ? null : Number(value));

function toState(row: Row): CheckpointState {
  return {
    ok: Number(row.ok) === 1,
    at: Number(row.at),
    durationMs: Number(row.duration_ms),
    attempts: Number(row.attempts),
    failingSince: numberOrNull(row.failing_since),
    firstPassedAt: numberOrNull(row.first_passed_at),
  };
}

/** Files a results row under its lab and checkpoint. */
function addResult(byLab: LearnerState['results'], row: Row): void {
  const lab = String(row.lab);
  byLab[lab] = { ...byLab[lab], [String(row.checkpoint)]: toState(row) };
}

function toLearner(row: Row, results: LearnerState['results']): LearnerState {
  return {
    id: String(row.id),
    name: String(row.name),
    prefix: row.prefix === null ? null : String(row.prefix),
    target: row.target === null ? null : String(row.target),
    joinedAt: Number(row.joined_at),
    leftAt: numberOrNull(row.left_at),
    lastSeenAt: Number(row.last_seen_at),
    lastProgressAt: numberOrNull(row.last_progress_at),
    preflight: row.preflight === null ? null : { ...(JSON.parse(String(row.preflight)) as Preflight), at: Number(row.preflight_at) },
    results,
  };
}
