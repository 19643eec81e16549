import type { LearnerClassroom } from '../class/learner/classroom.ts';
import type { LabEngine } from '../engine/engine.ts';
import { classRoutes } from './class-routes.ts';
import { jsonBody, type Route } from './route.ts';
import { EngineError } from '../engine/events.ts';
import { errorResponse, HttpError, jsonResponse } from './http-error.ts';
import { ndjsonStream } from './ndjson.ts';
import { checkAccess, type AccessPolicy } from './security.ts';

export interface LabApiOptions {
  engine: LabEngine;
  access: AccessPolicy;
  /** The learner's class membership: the Join box's routes (/api/class). */
  classroom?: LearnerClassroom;
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
export function createLabApi({ engine, access, classroom }: LabApiOptions): { fetch: (request: Request) => Promise<Response> } {
  const lab = async (id: string) => {
    try {
      return await engine.lab(decodeURIComponent(id));
    } catch (error) {
      if (error instanceof EngineError && error.code === 'UnknownLab') throw new HttpError(404, 'UnknownLab', error.message);
      throw error;
    }
  };
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/api\/health$/, handle: async () => jsonResponse(200, { ok: true, target: engine.target }) },
    {
      method: 'GET',
      pattern: /^\/api\/events$/,
      // The local cloud's stream of message movements, relayed for the page's message-flow view.
      handle: async (_match, request) => {
        const { endpoint, kind } = engine.target;
        if (kind === 'aws' || !endpoint) throw new HttpError(404, 'NoEventStream', 'AWS has no stream of message movements; watch CloudWatch Logs instead.');
        const upstream = await fetch(`${endpoint}/_workshop/events`, { signal: request.signal });
        return new Response(upstream.body, { status: upstream.status, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform' } });
      },
    },
    { method: 'GET', pattern: /^\/api\/labs$/, handle: async () => jsonResponse(200, { labs: await engine.labs() }) },
    { method: 'GET', pattern: /^\/api\/labs\/([^/]+)\/status$/, handle: async ([id]) => jsonResponse(200, await engine.status((await lab(id)).id)) },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/deploy$/,
      handle: async ([id], request) => {
        const body = await jsonBody(request);
        const { id: labId } = await lab(id);
        const step = body.step === undefined ? Number.POSITIVE_INFINITY : Number(body.step);
        if (body.solution && !(step > 0)) throw new HttpError(400, 'BadStep', 'step must be a positive number.');
        return ndjsonStream((report) => engine.deploy(labId, body.solution ? { solution: true, step } : { solution: false }, report), request.signal);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/destroy$/,
      handle: async ([id], request) => {
        const { id: labId } = await lab(id);
        return ndjsonStream((report) => engine.destroy(labId, report), request.signal);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/run\/([^/]+)$/,
      handle: async ([id, snippet], request) => {
        const definition = await lab(id);
        const name = decodeURIComponent(snippet);
        if (!definition.snippets.some((s) => s.name === name)) throw new HttpError(404, 'UnknownSnippet', `${definition.id} has no snippet "${name}".`);
        return ndjsonStream((report, signal) => engine.run(definition.id, name, report, signal), request.signal);
      },
    },
    // Read-only views of the lab's Step Functions state machines, for the page's execution view.
    { method: 'GET', pattern: /^\/api\/labs\/([^/]+)\/state-machines$/, handle: async ([id]) => jsonResponse(200, { stateMachines: await notFoundIfUnknown(() => engine.stateMachines(decodeURIComponent(id))) }) },
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/executions$/,
      handle: async ([id], request) => {
        const query = new URL(request.url).searchParams;
        const max = query.has('max') ? Number(query.get('max')) : undefined;
        return jsonResponse(200, { executions: await notFoundIfUnknown(() => engine.executions(decodeURIComponent(id), { stateMachineArn: query.get('stateMachineArn') ?? undefined, max })) });
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/labs\/([^/]+)\/executions\/([^/]+)\/history$/,
      handle: async ([id, executionArn]) => jsonResponse(200, await notFoundIfUnknown(() => engine.executionHistory(decodeURIComponent(id), decodeURIComponent(executionArn)))),
    },
    {
      method: 'POST',
      pattern: /^\/api\/labs\/([^/]+)\/verify$/,
      handle: async ([id], request) => {
        const body = await jsonBody(request);
        const { id: labId } = await lab(id);
        const step = body.step === undefined ? undefined : Number(body.step);
        return ndjsonStream((report, signal) => engine.verify(labId, report, { step, signal }), request.signal);
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
          if (route.method !== request.method) throw new HttpError(405, 'MethodNotAllowed', `${request.method} ${path} is not allowed; use ${route.method}.`);
          return await route.handle(match.slice(1), request);
        }
        throw new HttpError(404, 'NotFound', `No lab API operation at ${path}.`);
      } catch (error) {
        return errorResponse(error);
      }
    },
  };
}
