import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Target } from '../../../labs/kit/target.ts';
import type { Classroom, VerifyRun } from '../../engine/classroom.ts';
import { EngineError } from '../../engine/events.ts';
import type { PreflightResult } from '../../engine/preflight.ts';
import type { LearnerReport, MembershipInfo } from '../types.ts';
import { ClassClient, ClassRefused, ClassUnreachable } from './client.ts';
import { jsonFiles, readJsonFile, removeFile, writeAtomically } from './files.ts';

/** What a learner's machine remembers of the class it joined (`.workshop/class/membership.json`). */
export interface Membership {
  url: string;
  code: string;
  /** The learner's secret: it proves who reports. */
  token: string;
  classId: string;
  className: string;
  learnerId: string;
  /** The name as the class shows it (cleaned by the server). */
  name: string;
  joinedAt: number;
  /** lab id → when its solution was released, as last heard from the class server. */
  released: Record<string, number>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A report waiting in the outbox: everything but the time it is sent. */
type QueuedReport = DistributiveOmit<LearnerReport, 'sentAt'>;
type NewReport = DistributiveOmit<LearnerReport, 'sentAt' | 'id' | 'learner'>;

/** What the last attempt to send the outbox did. */
export interface Delivery {
  sent: number;
  /** Reports still waiting (the class server did not answer). */
  pending: number;
  /** Reports the class server refused for good (kept in rejected/), with why. */
  rejected: string[];
  /** Why sending stopped, when the server could not be reached. */
  unreachable?: string;
}

export interface ClassStatus {
  joined: boolean;
  url?: string;
  className?: string;
  name?: string;
  released?: Record<string, number>;
  pending: number;
  lastDelivery?: Delivery & { at: number };
}

/**
 * The learner's side of a class. Joined, every verify run and preflight goes to the class server;
 * whatever cannot be sent waits in an outbox on disk (nothing is lost offline) and goes, in
 * order, with the next report or the next retry. Solutions wait for the instructor's release.
 * Outside a class every method does nothing, so a learner's own flow never changes.
 */
export class LearnerClassroom implements Classroom {
  private readonly client: ClassClient;
  private flushing: Promise<Delivery> | undefined;
  lastDelivery: (Delivery & { at: number }) | undefined;

  constructor(
    /** Where membership and the outbox live (`.workshop/class`). */
    readonly dir: string,
    options: { timeoutMs?: number; fetch?: typeof fetch } = {},
  ) {
    this.client = new ClassClient(options.timeoutMs, options.fetch);
  }

  private get membershipFile() {
    return join(this.dir, 'membership.json');
  }

  private get outbox() {
    return join(this.dir, 'outbox');
  }

  /** The class joined, read afresh (the CLI may have joined or left from another process). */
  membership(): Membership | undefined {
    return readJsonFile<Membership>(this.membershipFile);
  }

  /**
   * Joins a class; refuses while already in another one (leave it first). Joining the same class
   * at a new address (the instructor's computer changed network) moves there and sends what waited.
   */
  async join(url: string, code: string, name: string, target?: Pick<Target, 'kind' | 'prefix'>): Promise<Membership> {
    const current = this.membership();
    const base = normalizeUrl(url);
    if (current) {
      if (base !== current.url && (await this.sameClassAt(base, current))) {
        const moved = { ...current, url: base };
        writeAtomically(this.membershipFile, JSON.stringify(moved, null, 2));
        await this.flush();
        return moved;
      }
      throw new EngineError(
        'AlreadyInClass',
        `You are already in the class "${current.className}" as ${current.name} (${current.url}). Leave it first: npx workshop leave.`,
      );
    }
    const joined = await this.client.join(base, { code, name, prefix: target?.prefix, target: target?.kind });
    const membership: Membership = {
      url: base,
      code,
      token: joined.token,
      classId: joined.class.id,
      className: joined.class.name,
      learnerId: joined.learner.id,
      name: joined.learner.name,
      joinedAt: Date.now(),
      released: joined.released,
    };
    writeAtomically(this.membershipFile, JSON.stringify(membership, null, 2));
    return membership;
  }

  /** Whether the class server at `url` is the class of `membership` and still knows this learner. */
  private async sameClassAt(url: string, membership: Membership): Promise<boolean> {
    try {
      return (await this.client.me({ ...membership, url })).class.id === membership.classId;
    } catch {
      return false;
    }
  }

  /**
   * Leaves the class: reporting stops at once. Queued reports are sent first when the server
   * answers, and dropped otherwise (they belong to the class being left).
   */
  async leave(): Promise<{ left?: Membership; serverAnswered: boolean; dropped: number }> {
    const membership = this.membership();
    if (!membership) return { serverAnswered: false, dropped: 0 };
    await this.flush();
    let serverAnswered = true;
    try {
      await this.client.leave(membership);
    } catch (error) {
      serverAnswered = error instanceof ClassRefused;
    }
    const dropped = jsonFiles(this.outbox).length;
    for (const file of jsonFiles(this.outbox)) removeFile(join(this.outbox, file));
    removeFile(this.membershipFile);
    return { left: membership, serverAnswered, dropped };
  }

  status(): ClassStatus {
    const membership = this.membership();
    const pending = jsonFiles(this.outbox).length;
    if (!membership) return { joined: false, pending };
    return {
      joined: true,
      url: membership.url,
      className: membership.className,
      name: membership.name,
      released: membership.released,
      pending,
      lastDelivery: this.lastDelivery,
    };
  }

  async checkSolution(labId: string): Promise<void> {
    const membership = this.membership();
    if (!membership) return;
    let released = membership.released;
    try {
      released = this.remember((await this.client.me(membership)).released);
    } catch (error) {
      if (error instanceof ClassRefused) {
        throw new EngineError(
          'NotInClass',
          `The class server no longer accepts you in "${membership.className}" (${error.message}) Join again, or leave the class to work on your own: npx workshop leave.`,
        );
      }
      // Offline: the last release list heard from the class decides.
    }
    if (!released[labId]) {
      throw new EngineError(
        'SolutionNotReleased',
        `Your instructor has not released the solution of ${labId} yet (class "${membership.className}"). Keep going with the steps on the page (each shows the code to add), or ask for a hint; the solution opens when your instructor releases it.`,
      );
    }
  }

  async verified(run: VerifyRun): Promise<void> {
    await this.report({ kind: 'verify', ...run });
  }

  /** Sends the preflight (what `doctor` found) to the class. */
  async preflight(result: PreflightResult): Promise<void> {
    await this.report({ kind: 'preflight', at: Date.now(), preflight: result });
  }

  /** Queues a report, then sends the queue. Never throws: a report that cannot go waits. */
  private async report(report: NewReport): Promise<void> {
    const membership = this.membership();
    if (!membership) return;
    const queued = { ...report, id: randomUUID(), learner: membership.name } as QueuedReport;
    try {
      writeAtomically(join(this.outbox, outboxFileName(queued)), JSON.stringify(queued));
    } catch (error) {
      this.lastDelivery = { sent: 0, pending: 0, rejected: [`could not queue the report: ${(error as Error).message}`], at: Date.now() };
      return;
    }
    await this.flush();
  }

  /** Sends every queued report, oldest first; stops at the first one the server cannot take now. */
  flush(): Promise<Delivery> {
    this.flushing ??= this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async send(): Promise<Delivery> {
    const membership = this.membership();
    const files = jsonFiles(this.outbox);
    const delivery: Delivery = { sent: 0, pending: files.length, rejected: [] };
    if (!membership) return delivery;
    for (const file of files) {
      const path = join(this.outbox, file);
      const report = readJsonFile<QueuedReport>(path);
      if (!report) {
        delivery.pending--;
        continue; // sent by another process meanwhile
      }
      try {
        const answer = await this.client.report(membership, { ...report, sentAt: Date.now() } as LearnerReport);
        this.remember(answer.released);
        removeFile(path);
        delivery.sent++;
        delivery.pending--;
      } catch (error) {
        if (error instanceof ClassRefused && error.final) {
          writeAtomically(
            join(this.dir, 'rejected', file),
            JSON.stringify({ report, refusal: { status: error.status, code: error.code, message: error.message } }),
          );
          removeFile(path);
          delivery.rejected.push(error.message);
          delivery.pending--;
          continue;
        }
        delivery.unreachable = error instanceof ClassUnreachable || error instanceof ClassRefused ? error.message : String(error);
        break;
      }
    }
    this.lastDelivery = { ...delivery, at: Date.now() };
    return delivery;
  }

  /** Keeps the release list the class server sent, for when it cannot be reached. */
  private remember(released: MembershipInfo['released']): MembershipInfo['released'] {
    const membership = this.membership();
    if (membership && JSON.stringify(membership.released) !== JSON.stringify(released))
      writeAtomically(this.membershipFile, JSON.stringify({ ...membership, released }, null, 2));
    return released;
  }

  /** Retries the outbox every `intervalMs` while reports wait (the lab API, which runs for hours). */
  keepSending(intervalMs = 10_000): () => void {
    const timer = setInterval(() => {
      if (this.membership() && jsonFiles(this.outbox).length > 0) void this.flush();
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/** Reports queued by this process so far: orders the ones queued within the same millisecond. */
let queuedSoFar = 0;

/**
 * The outbox file of a report. The outbox is sent in the order of its file names: the time the
 * report was made, then the order in which this process queued it (two verify runs can start in
 * the same millisecond; a random id alone would send them in either order).
 */
function outboxFileName(report: QueuedReport): string {
  queuedSoFar++;
  return `${String(report.at).padStart(15, '0')}-${String(queuedSoFar).padStart(9, '0')}-${report.id}.json`;
}

/** `http://host:port` from what a learner typed (`host:port`, a trailing slash, `/class`). */
export function normalizeUrl(url: string): string {
  const withScheme = /^https?:\/\//i.test(url.trim()) ? url.trim() : `http://${url.trim()}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new EngineError(
      'BadClassUrl',
      `"${url}" is not an address: use the one your instructor gave you, like http://192.168.1.20:3030.`,
    );
  }
  return `${parsed.protocol}//${parsed.host}`;
}
