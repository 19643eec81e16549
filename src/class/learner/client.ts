import { EngineError } from '../../engine/events.ts';
import type { LearnerReport, MembershipInfo } from '../types.ts';

/** The class server could not be reached (offline, stopped, wrong address): try again later. */
export class ClassUnreachable extends EngineError {
  constructor(url: string, cause: unknown) {
    super('ClassUnreachable', `The class server at ${url} does not answer (${causeOf(cause)}).`);
  }
}

/** The class server answered with a refusal; `status` and `code` say which. */
export class ClassRefused extends EngineError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }

  /** A refusal that will not change by sending the same report again. */
  get final(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** Who is talking to the class: its address, its join code, and the learner's token once joined. */
export interface ClassCredentials {
  url: string;
  code: string;
  token: string;
}

/** The class server's API as a learner calls it. */
export class ClassClient {
  constructor(
    private readonly timeoutMs = 3_000,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async call<T>(
    url: string,
    path: string,
    init: { method: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> },
  ): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${url}${path}`, {
        method: init.method,
        headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ClassUnreachable(url, error);
    }
    const text = await response.text().catch(() => '');
    let body: { error?: { code?: string; message?: string } } & Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      if (response.ok || response.status === 404)
        throw new ClassRefused(
          response.status,
          'NotAClassServer',
          `${url} is not a workshop class server (it answered ${response.status} to ${path}). Check the address your instructor gave you.`,
        );
    }
    if (!response.ok) {
      if (response.status >= 500) throw new ClassUnreachable(url, new Error(body.error?.message ?? `status ${response.status}`));
      throw new ClassRefused(
        response.status,
        body.error?.code ?? String(response.status),
        body.error?.message ?? `The class server refused (${response.status}).`,
      );
    }
    return body as T;
  }

  private headers(credentials: ClassCredentials): Record<string, string> {
    return { 'x-class-code': credentials.code, authorization: `Bearer ${credentials.token}` };
  }

  /** Joins the class; the token returned is the learner's proof of who they are from now on. */
  join(url: string, body: { code: string; name: string; prefix?: string; target?: string }): Promise<MembershipInfo & { token: string }> {
    return this.call(url, '/class/join', { method: 'POST', body });
  }

  me(credentials: ClassCredentials): Promise<MembershipInfo> {
    return this.call(credentials.url, '/class/me', { method: 'GET', headers: this.headers(credentials) });
  }

  report(credentials: ClassCredentials, report: LearnerReport): Promise<MembershipInfo & { accepted: true; duplicate: boolean }> {
    return this.call(credentials.url, '/class/reports', { method: 'POST', body: report, headers: this.headers(credentials) });
  }

  leave(credentials: ClassCredentials): Promise<{ left: true }> {
    return this.call(credentials.url, '/class/leave', { method: 'POST', body: {}, headers: this.headers(credentials) });
  }
}
