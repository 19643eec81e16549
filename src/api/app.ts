import type { LearnerClassroom } from '../class/learner/classroom.ts';
import type { LabEngine } from '../engine/engine.ts';
import { EngineError } from '../engine/events.ts';
import type { MetricsRequest } from '../engine/metrics.ts';
import type { ActivityCounter } from './activity.ts';
import { classRoutes } from './class-routes.ts';
import { type Activity, estimateCost } from './cost.ts';
import { errorResponse, HttpError, jsonResponse } from './http-error.ts';
import { ndjsonStream } from './ndjson.ts';
import { deployDescription, type ProgressStore, recordingCheckpoints, recordingDeploy } from './progress-store.ts';
import { jsonBody, type Route } from './route.ts';
import { type AccessPolicy, checkAccess } from './security.ts';

export interface LabApiOptions {
  engine: LabEngine;
  access: AccessPolicy;
  /** The learner's class membership: the Join box's routes (/api/class). */
  classroom?: LearnerClassroom;
  /** Where checkpoint results and the reading position are kept; without it, nothing is remembered. */
  progress?: ProgressStore;
  /** Counts of the local cloud's events per resource, for the cost panel; absent on AWS. */
  activity?: ActivityCounter;
}

/** An engine error about something the lab does not have becomes a 404 with its message. */
async function notFoundIfUnknown<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EngineError && error.code.startsWith('Unknown')) throw new HttpError(404, error.code, error.message);
    throw error;
  }
}

/**
 * The lab API: the registered operations of the lab engine over HTTP, and nothing else (no
 * free-form code). `fetch` takes a web Request, so tests call it in-process without sockets.
 */
export function createLabApi({ engine, access, classroom, progress, activity }: LabApiOptions): {
  fetch: (request: Request) => Promise<Response>;
} {
  const lab = async (id: string) => {
    try {
      return await engine.lab(decodeURIComponent(id));
    } catch (error) {
      if (error instanceof EngineError && error.code === 'UnknownLab') throw new HttpError(404, 'UnknownLab', error.message);
      throw error;
    }
  };
  const learner = `${engine.target.kind}/${engine.target.prefix}`;
  // The cost panel asks often while messages move; its graph may be a second old.
  const recentArchitecture = recently((labId: string) => engine.architecture(labId), 1_500);
  /** Snippets that run until stopped, running now: `<lab>/<snippet>` → what stops it. */
  const running = new Map<string, AbortController>();
  const routes: Route[] = [
    ...progressRoutes(progress, learner),
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/architecture$/,
      handle: async ([id]) => jsonResponse(200, await engine.architecture((await lab(id)).id)),
    },
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/activity$/,
      // What the learner's resources in this lab did, counted from the cloud's event stream.
      handle: async ([id]) => {
        const architecture = await recentArchitecture((await lab(id)).id);
        const ids = architecture.nodes.map((n) => n.id);
        const counted = activity?.of(ids) ?? { since: null, counts: {} };
        return jsonResponse(200, {
          target: engine.target.kind,
          counting: Boolean(activity),
          live: activity?.live ?? false,
          architecture,
          ...counted,
          cost: estimateCost({ architecture, counts: counted.counts }),
        } satisfies Activity);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/activity\/reset$/,
      handle: async ([id]) => {
        const architecture = await engine.architecture((await lab(id)).id);
        activity?.reset(architecture.nodes.map((n) => n.id));
        return jsonResponse(200, { ok: true });
      },
    },
    { method: 'GET', pattern: /^\/api\/health$/, handle: async () => jsonResponse(200, { ok: true, target: engine.target }) },
    {
      method: 'GET',
      pattern: /^\/api\/events$/,
      // The local cloud's stream of message movements, relayed for the page's message-flow view.
      handle: async (_match, request) => {
        const { endpoint, kind } = engine.target;
        if (kind === 'aws' || !endpoint)
          throw new HttpError(404, 'NoEventStream', 'AWS has no stream of message movements; watch CloudWatch Logs instead.');
        const upstream = await fetch(`${endpoint}/_workshop/events`, { signal: request.signal });
        return new Response(upstream.body, {
          status: upstream.status,
          headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform' },
        });
      },
    },
    { method: 'GET', pattern: /^\/api\/labs$/, handle: async () => jsonResponse(200, { labs: await engine.labs() }) },
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/status$/,
      handle: async ([id]) => jsonResponse(200, await engine.status((await lab(id)).id)),
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/deploy$/,
      handle: async ([id], request) => {
        const body = await jsonBody(request);
        const { id: labId } = await lab(id);
        const step = body.step === undefined ? Number.POSITIVE_INFINITY : Number(body.step);
        if (body.solution && !(step > 0)) throw new HttpError(400, 'BadStep', 'step must be a positive number.');
        const what = deployDescription(Boolean(body.solution), step);
        return ndjsonStream(
          (report) =>
            engine.deploy(
              labId,
              body.solution ? { solution: true, step } : { solution: false },
              progress ? recordingDeploy(progress, learner, labId, what, report) : report,
            ),
          request.signal,
        );
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/destroy$/,
      handle: async ([id], request) => {
        const { id: labId } = await lab(id);
        return ndjsonStream(
          (report) => engine.destroy(labId, progress ? recordingDeploy(progress, learner, labId, 'destroy', report) : report),
          request.signal,
        );
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/run\/([^/]+)$/,
      handle: async ([id, snippet], request) => {
        const definition = await lab(id);
        const name = decodeURIComponent(snippet);
        const found = definition.snippets.find((s) => s.name === name);
        if (!found) throw new HttpError(404, 'UnknownSnippet', `${definition.id} has no snippet "${name}".`);
        if (!found.untilStopped) return ndjsonStream((report, signal) => engine.run(definition.id, name, report, signal), request.signal);
        // A snippet that runs until stopped (a worker): one at a time, stopped by the stop route
        // (its stream then shows it finishing) or when the page that started it goes away.
        const key = `${definition.id}/${name}`;
        if (running.has(key)) throw new HttpError(409, 'AlreadyRunning', `${name} of ${definition.id} is already running. Stop it first.`);
        const stopper = new AbortController();
        running.set(key, stopper);
        return ndjsonStream(async (report, signal) => {
          signal.addEventListener('abort', () => stopper.abort(), { once: true });
          try {
            return await engine.run(definition.id, name, report, stopper.signal);
          } finally {
            running.delete(key);
          }
        }, request.signal);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/stop\/([^/]+)$/,
      handle: async ([id, snippet]) => {
        const definition = await lab(id);
        const name = decodeURIComponent(snippet);
        const stopper = running.get(`${definition.id}/${name}`);
        if (!stopper) throw new HttpError(404, 'NotRunning', `${name} of ${definition.id} is not running.`);
        stopper.abort();
        return jsonResponse(202, { stopping: name });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/running$/,
      handle: async ([id]) => {
        const { id: labId } = await lab(id);
        return jsonResponse(200, {
          running: [...running.keys()].filter((key) => key.startsWith(`${labId}/`)).map((key) => key.slice(labId.length + 1)),
        });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/test$/,
      handle: async ([id], request) => {
        const { id: labId } = await lab(id);
        return ndjsonStream((report, signal) => engine.test(labId, report, signal), request.signal);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/metrics$/,
      // Reads CloudWatch metrics of the lab's own resources, named by its stack outputs.
      handle: async ([id], request) => {
        const body = await jsonBody(request);
        try {
          return jsonResponse(200, await engine.metrics(decodeURIComponent(id), body as unknown as MetricsRequest));
        } catch (error) {
          const status = { BadMetrics: 400, NotDeployed: 409, UnknownLab: 404 }[error instanceof EngineError ? error.code : ''];
          if (status) throw new HttpError(status, (error as EngineError).code, (error as Error).message);
          throw error;
        }
      },
    },
    // Read-only views of the lab's Step Functions state machines, for the page's execution view.
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/state-machines$/,
      handle: async ([id]) =>
        jsonResponse(200, { stateMachines: await notFoundIfUnknown(() => engine.stateMachines(decodeURIComponent(id))) }),
    },
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/executions$/,
      handle: async ([id], request) => {
        const query = new URL(request.url).searchParams;
        const max = query.has('max') ? Number(query.get('max')) : undefined;
        return jsonResponse(200, {
          executions: await notFoundIfUnknown(() =>
            engine.executions(decodeURIComponent(id), { stateMachineArn: query.get('stateMachineArn') ?? undefined, max }),
          ),
        });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/executions\/([^/]+)\/history$/,
      handle: async ([id, executionArn]) =>
        jsonResponse(200, await notFoundIfUnknown(() => engine.executionHistory(decodeURIComponent(id), decodeURIComponent(executionArn)))),
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/verify$/,
      handle: async ([id], request) => {
        const body = await jsonBody(request);
        const { id: labId } = await lab(id);
        const step = body.step === undefined ? undefined : Number(body.step);
        return ndjsonStream(
          (report, signal) =>
            engine.verify(labId, progress ? recordingCheckpoints(progress, learner, labId, report) : report, { step, signal }),
          request.signal,
        );
      },
    },
    ...(classroom ? classRoutes(classroom, engine) : []),
  ];

  return {
    async fetch(request: Request): Promise<Response> {
      try {
        checkAccess(request, access);
        const path = new URL(request.url).pathname;
        for (const route of routes) {
          const match = route.pattern.exec(path);
          if (!match) continue;
          if (route.method !== request.method)
            throw new HttpError(405, 'MethodNotAllowed', `${request.method} ${path} is not allowed; use ${route.method}.`);
          return await route.handle(match.slice(1), request);
        }
        throw new HttpError(404, 'NotFound', `No lab API operation at ${path}.`);
      } catch (error) {
        return errorResponse(error);
      }
    },
  };
}

/** The learner's progress: read it, say where they are reading, forget it. */
function progressRoutes(store: ProgressStore | undefined, learner: string): Route[] {
  const required = () => {
    if (!store) throw new HttpError(404, 'NoProgress', 'This lab API keeps no progress.');
    return store;
  };
  return [
    { method: 'GET', pattern: /^\/api\/progress$/, handle: async () => jsonResponse(200, required().get(learner)) },
    {
      method: 'POST',
      pattern: /^\/api\/progress\/position$/,
      handle: async (_match, request) => {
        const body = await jsonBody(request);
        if (typeof body.path !== 'string' || !body.path.startsWith('/') || body.path.length > 300)
          throw new HttpError(400, 'BadPosition', 'path must be a site path such as /lab-1-fan-out.');
        const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : undefined);
        required().recordPosition(learner, { path: body.path, anchor: text(body.anchor), title: text(body.title), at: Date.now() });
        return jsonResponse(200, { ok: true });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/progress\/reset$/,
      handle: async (_match, request) => {
        const body = await jsonBody(request);
        if (body.lab !== undefined && typeof body.lab !== 'string')
          throw new HttpError(400, 'BadLab', 'lab must be a lab id such as lab-1.');
        required().reset(learner, body.lab as string | undefined);
        return jsonResponse(200, required().get(learner));
      },
    },
  ];
}

/** `read`, answered from its last result for `ms` per key. */
function recently<T>(read: (key: string) => Promise<T>, ms: number): (key: string) => Promise<T> {
  const kept = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const hit = kept.get(key);
    if (hit && Date.now() - hit.at < ms) return hit.value;
    const value = read(key);
    kept.set(key, { at: Date.now(), value });
    value.catch(() => kept.delete(key));
    return value;
  };
}
