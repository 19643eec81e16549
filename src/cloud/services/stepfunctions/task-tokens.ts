import { randomBytes } from 'node:crypto';
import { TaskError, taskDoesNotExist, taskTimedOut } from './errors.ts';

interface Waiter {
  executionArn: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  heartbeat(): void;
}

/**
 * Task tokens of the callback pattern (`.waitForTaskToken`). A token is issued each time a
 * definition reads `$$.Task.Token`; the task that passed it on waits until SendTaskSuccess,
 * SendTaskFailure or a timeout settles it. Tokens of finished tasks are refused, as AWS does.
 */
export class TaskTokens {
  private readonly issued = new Map<string, string>();
  private readonly waiting = new Map<string, Waiter>();
  /** Tokens whose task timed out or whose execution ended, by when: a late answer hears TaskTimedOut. */
  private readonly expired = new Map<string, number>();

  /** A new token for a task of `executionArn` (AWS's tokens are opaque strings of several hundred characters). */
  issue(executionArn: string): string {
    const token = `AQ${randomBytes(96).toString('base64url')}`;
    this.issued.set(token, executionArn);
    return token;
  }

  /** The tokens of this execution found anywhere in `value` (a task's resolved parameters). */
  find(executionArn: string, value: unknown): string[] {
    if (typeof value === 'string') return this.issued.get(value) === executionArn ? [value] : [];
    if (value && typeof value === 'object') return Object.values(value).flatMap((v) => this.find(executionArn, v));
    return [];
  }

  /** Waits until the token is settled; `heartbeat` runs on each SendTaskHeartbeat. */
  wait(token: string, executionArn: string, heartbeat: () => void = () => undefined): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(token, { executionArn, resolve, reject, heartbeat }));
  }

  succeed(token: string, output: unknown): void {
    this.take(token).resolve(output);
  }

  fail(token: string, error: string, cause: string): void {
    this.take(token).reject(new TaskError(error, cause));
  }

  heartbeat(token: string): void {
    const waiter = this.waiting.get(token);
    if (!waiter) throw this.expired.has(token) ? taskTimedOut() : taskDoesNotExist();
    waiter.heartbeat();
  }

  /** Ends a token whose task timed out or whose execution ended: its waiter fails with `error`. */
  expire(token: string, error: Error): void {
    const waiter = this.waiting.get(token);
    this.waiting.delete(token);
    this.issued.delete(token);
    this.expired.set(token, Date.now());
    waiter?.reject(error);
    // Remember expired tokens for an hour: long enough for a late worker to be told, not forever.
    for (const [old, at] of this.expired) {
      if (Date.now() - at < 3_600_000) break;
      this.expired.delete(old);
    }
  }

  /** Expires every token of an execution that ended. */
  endExecution(executionArn: string, error: Error): void {
    for (const [token, waiter] of this.waiting) if (waiter.executionArn === executionArn) this.expire(token, error);
    for (const [token, owner] of this.issued) if (owner === executionArn) this.issued.delete(token);
  }

  private take(token: string): Waiter {
    const waiter = this.waiting.get(token);
    if (!waiter) throw this.expired.has(token) ? taskTimedOut() : taskDoesNotExist();
    this.waiting.delete(token);
    this.issued.delete(token);
    return waiter;
  }
}
