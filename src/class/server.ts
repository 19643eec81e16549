import { errorResponse, jsonResponse } from '../api/http-error.ts';
import { field, readJsonObject } from './body.ts';
import { Broadcast } from './broadcast.ts';
import type { LabCatalogue } from './catalogue.ts';
import { ClassError } from './errors.ts';
import { classCsv, classJson } from './export.ts';
import { nameKey } from './names.ts';
import { parseReport, serverTime } from './reports.ts';
import { normalizeCode, sameSecret } from './secrets.ts';
import type { ClassStore } from './store.ts';
import type { ClassSnapshot, MembershipInfo } from './types.ts';

export interface ClassServerOptions {
  store: ClassStore;
  catalogue: LabCatalogue;
  /** The most learners one class takes (a guard against a leaked join code filling the database). */
  maxLearners?: number;
  /** Wrong join codes one address may send per minute before it is told to wait. */
  maxBadCodesPerMinute?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

/** Who sent a request, as the socket says (not a header a client could set). */
export interface RequestInfo {
  remoteAddress?: string;
}

type Handler = (match: string[], request: Request, info: RequestInfo) => Promise<Response> | Response;
type Route = { method: 'GET' | 'POST'; pattern: RegExp; who: 'anyone' | 'learner' | 'instructor'; handle: Handler };

// The dashboard is a page of the site, on another origin than the class server; it sends the
// instructor token in a header (never a cookie), so answering any origin gives nothing away.
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-disposition' };

/**
 * The class server: learners join with the class's code and report their verify results and
 * preflight; the instructor (with the instructor token) reads the class, follows it live, releases
 * solutions, reads the facilitator notes and exports the class. `fetch` takes a web Request, so
 * tests call it in-process; `serveFetch` puts it on a socket.
 */
/** Everything the dashboard shows, as of `now`. */
export function classSnapshot(store: ClassStore, catalogue: LabCatalogue, now = Date.now()): ClassSnapshot {
  const released = store.releases();
  return {
    class: { id: store.info.id, name: store.info.name, createdAt: store.info.createdAt },
    now,
    labs: catalogue.labs.map((lab) => ({
      id: lab.id,
      slug: lab.slug,
      title: lab.title,
      steps: lab.steps,
      checkpoints: lab.checkpoints.map(({ id, step, title, hint }) => ({ id, step, title, hint })),
      hasNotes: catalogue.hasNotes(lab.id),
      releasedAt: released[lab.id] ?? null,
    })),
    learners: store.learners(),
  };
}

export function createClassServer(options: ClassServerOptions) {
  const { store, catalogue } = options;
  const now = options.now ?? Date.now;
  const broadcast = new Broadcast();
  const badCodes = new Map<string, number[]>();

  const snapshot = () => classSnapshot(store, catalogue, now());

  const membership = (learner: { id: string; name: string }): MembershipInfo => ({
    class: { id: store.info.id, name: store.info.name },
    learner: { id: learner.id, name: learner.name },
    released: store.releases(),
  });

  const lab = (id: string) => {
    const found = catalogue.labs.find((l) => l.id === decodeURIComponent(id));
    if (!found) throw new ClassError(404, 'UnknownLab', `This class has no lab "${decodeURIComponent(id)}".`);
    return found;
  };

  /** Refuses an address that keeps guessing join codes. */
  const checkCode = (code: string | undefined | null, info: RequestInfo) => {
    const address = info.remoteAddress ?? 'unknown';
    const recent = (badCodes.get(address) ?? []).filter((t) => t > now() - 60_000);
    if (recent.length === 0) badCodes.delete(address);
    if (recent.length >= (options.maxBadCodesPerMinute ?? 20))
      throw new ClassError(
        429,
        'TooManyAttempts',
        'Too many wrong join codes from your address: wait a minute, then check the code your instructor gave you.',
      );
    if (!code)
      throw new ClassError(
        401,
        'JoinCodeRequired',
        "This needs the class's join code (the x-class-code header); join the class first: npx workshop join <url> --code <code> --name <name>.",
      );
    if (normalizeCode(code) !== normalizeCode(store.info.code)) {
      badCodes.set(address, [...recent, now()]);
      throw new ClassError(403, 'BadJoinCode', 'That is not the join code of this class: check the code your instructor gave you.');
    }
  };

  const bearer = (request: Request) => /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1];

  const learnerOf = (request: Request, info: RequestInfo): { id: string; name: string } => {
    checkCode(request.headers.get('x-class-code'), info);
    const token = bearer(request);
    if (!token)
      throw new ClassError(
        401,
        'LearnerTokenRequired',
        'Reports need the token you received when you joined (Authorization: Bearer …). Join the class first.',
      );
    const learner = store.learnerByToken(token);
    if (!learner)
      throw new ClassError(
        403,
        'UnknownLearner',
        'This class does not know your token (the instructor may have removed you). Join again: npx workshop join <url> --code <code> --name <name>.',
      );
    if (learner.leftAt !== null) throw new ClassError(403, 'LeftClass', 'You left this class: join it again to report.');
    return learner;
  };

  const requireInstructor = (request: Request) => {
    const token = bearer(request);
    if (!token)
      throw new ClassError(
        401,
        'InstructorTokenRequired',
        'The dashboard needs the instructor token that npx workshop class start printed.',
      );
    if (!sameSecret(token, store.info.instructorToken))
      throw new ClassError(403, 'NotInstructor', 'That is not the instructor token of this class.');
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/class$/,
      who: 'anyone',
      handle: () => jsonResponse(200, { service: 'workshop-class', class: { name: store.info.name } }),
    },
    {
      method: 'POST',
      pattern: /^\/class\/join$/,
      who: 'anyone',
      handle: async (_m, request, info) => {
        const body = await readJsonObject(request, 2048);
        checkCode(field.string(body, 'code', { max: 40 }), info);
        const name = field.string(body, 'name', { max: 200 })!;
        const prefix = field.string(body, 'prefix', { max: 20, optional: true, pattern: /^[a-z0-9]+$/ });
        const target = field.string(body, 'target', { max: 10, optional: true, pattern: /^(local|aws|endpoint)$/ });
        const { learner, token } = store.join({ name, prefix, target, now: now(), maxLearners: options.maxLearners ?? 500 });
        broadcast.send({ type: 'learner', learner });
        return jsonResponse(201, { ...membership(learner), token });
      },
    },
    {
      method: 'GET',
      pattern: /^\/class\/me$/,
      who: 'learner',
      handle: (_m, request, info) => jsonResponse(200, membership(learnerOf(request, info))),
    },
    {
      method: 'POST',
      pattern: /^\/class\/leave$/,
      who: 'learner',
      handle: (_m, request, info) => {
        const learner = store.leave(learnerOf(request, info).id, now())!;
        broadcast.send({ type: 'learner', learner });
        return jsonResponse(200, { left: true });
      },
    },
    {
      method: 'POST',
      pattern: /^\/class\/reports$/,
      who: 'learner',
      handle: async (_m, request, info) => {
        const learner = learnerOf(request, info);
        const report = parseReport(await readJsonObject(request), catalogue.labs);
        if (nameKey(report.learner) !== nameKey(learner.name)) {
          throw new ClassError(
            403,
            'NotYourResults',
            `A learner reports only their own results: this token is ${learner.name}'s, and the report is for "${report.learner}".`,
          );
        }
        const at = serverTime(report, now());
        if (report.kind === 'verify') {
          const result = store.recordVerify(
            learner.id,
            { id: report.id, lab: report.lab, at, durationMs: report.durationMs, checkpoints: report.checkpoints },
            now(),
          );
          if (!result.duplicate)
            broadcast.send({
              type: 'results',
              learnerId: learner.id,
              lab: report.lab,
              results: result.results,
              lastSeenAt: result.lastSeenAt,
              lastProgressAt: result.lastProgressAt,
            });
          return jsonResponse(200, { accepted: true, duplicate: result.duplicate, ...membership(learner) });
        }
        const { duplicate } = store.recordPreflight(learner.id, { id: report.id, at, preflight: report.preflight }, now());
        const updated = store.learner(learner.id)!;
        if (!duplicate && updated.preflight)
          broadcast.send({ type: 'preflight', learnerId: learner.id, preflight: updated.preflight, lastSeenAt: updated.lastSeenAt });
        return jsonResponse(200, { accepted: true, duplicate, ...membership(learner) });
      },
    },
    { method: 'GET', pattern: /^\/class\/state$/, who: 'instructor', handle: () => jsonResponse(200, snapshot()) },
    {
      method: 'GET',
      pattern: /^\/class\/stream$/,
      who: 'instructor',
      handle: (_m, request) => broadcast.connect(() => ({ type: 'snapshot', snapshot: snapshot() }), request.signal),
    },
    {
      method: 'POST',
      pattern: /^\/class\/labs\/([^/]+)\/release$/,
      who: 'instructor',
      handle: async ([id], request) => {
        const { id: labId } = lab(id);
        const released = field.boolean(await readJsonObject(request, 1024), 'released');
        const releasedAt = released ? now() : null;
        store.release(labId, releasedAt);
        broadcast.send({ type: 'release', lab: labId, releasedAt });
        return jsonResponse(200, { lab: labId, releasedAt });
      },
    },
    {
      method: 'GET',
      pattern: /^\/class\/labs\/([^/]+)\/notes$/,
      who: 'instructor',
      handle: async ([id]) => {
        const { id: labId, slug } = lab(id);
        const markdown = await catalogue.notes(labId);
        return jsonResponse(200, { lab: labId, markdown: markdown ?? null, file: `labs/${slug}/instructor.md` });
      },
    },
    {
      method: 'POST',
      pattern: /^\/class\/learners\/([^/]+)\/remove$/,
      who: 'instructor',
      handle: ([id]) => {
        const learnerId = decodeURIComponent(id);
        if (!store.remove(learnerId)) throw new ClassError(404, 'UnknownLearner', `No learner ${learnerId} in this class.`);
        broadcast.send({ type: 'removed', learnerId });
        return jsonResponse(200, { removed: learnerId });
      },
    },
    {
      method: 'GET',
      pattern: /^\/class\/export$/,
      who: 'instructor',
      handle: (_m, request) => {
        const format = new URL(request.url).searchParams.get('format') ?? 'json';
        const stamp = new Date(now()).toISOString().slice(0, 10);
        if (format === 'csv')
          return new Response(classCsv(snapshot()), {
            headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="class-${stamp}.csv"` },
          });
        if (format !== 'json') throw new ClassError(400, 'BadFormat', 'format must be csv or json.');
        return new Response(classJson(snapshot(), store.runs()), {
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="class-${stamp}.json"`,
          },
        });
      },
    },
  ];

  return {
    store,
    /** How many dashboards follow the class live. */
    get listeners() {
      return broadcast.size;
    },
    async fetch(request: Request, info: RequestInfo = {}): Promise<Response> {
      const path = new URL(request.url).pathname.replace(/\/$/, '') || '/';
      const matches = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((m) => m.match);
      const instructorPath = matches.some((m) => m.route.who === 'instructor');
      const withCors = (response: Response) => {
        if (!instructorPath) return response;
        for (const [key, value] of Object.entries(CORS)) response.headers.set(key, value);
        return response;
      };
      if (request.method === 'OPTIONS' && instructorPath) {
        return new Response(null, {
          status: 204,
          headers: {
            ...CORS,
            'access-control-allow-methods': 'GET, POST',
            'access-control-allow-headers': 'authorization, content-type',
            'access-control-max-age': '600',
          },
        });
      }
      try {
        const found = matches.find((m) => m.route.method === request.method);
        if (!found) {
          if (matches.length > 0)
            throw new ClassError(405, 'MethodNotAllowed', `${request.method} ${path} is not allowed; use ${matches[0].route.method}.`);
          throw new ClassError(404, 'NotFound', `No class server operation at ${path}.`);
        }
        if (found.route.who === 'instructor') requireInstructor(request);
        return withCors(await found.route.handle(found.match!.slice(1), request, info));
      } catch (error) {
        return withCors(errorResponse(error));
      }
    },
    /** Ends the live streams (before the socket closes). */
    close(): void {
      broadcast.close();
    },
  };
}

export type ClassServer = ReturnType<typeof createClassServer>;
