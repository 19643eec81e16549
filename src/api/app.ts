import type { LabEngine } from '../engine/engine.ts';
import { EngineError } from '../engine/events.ts';
import type { MetricsRequest } from '../engine/metrics.ts';
import { errorResponse, HttpError, jsonResponse } from './http-error.ts';
import { ndjsonStream } from './ndjson.ts';
import { checkAccess, type AccessPolicy } from './security.ts';

export interface LabApiOptions {
  engine: LabEngine;
  access: AccessPolicy;
}

type Route = { method: 'GET' | 'POST'; pattern: RegExp; handle: (match: string[], request: Request) => Promise<Response> };

async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (!text) return {};
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object' && !Array.isArray(body)) return body;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'BadJson', 'The request body must be a JSON object.');
}

/**
 * The lab API: the registered operations of the lab engine over HTTP, and nothing else (no
 * free-form code). `fetch` takes a web Request, so tests call it in-process without sockets.
 */
export function createLabApi({ engine, access }: LabApiOptions): { fetch: (request: Request) => Promise<Response> } {
  const lab = async (id: string) => {
    try {
      return await engine.lab(decodeURIComponent(id));
    } catch (error) {
      if (error instanceof EngineError && error.code === 'UnknownLab') throw new HttpError(404, 'UnknownLab', error.message);
      throw error;
    }
  };
  /** Snippets that run until stopped, running now: `<lab>/<snippet>` → what stops it. */
  const running = new Map<string, AbortController>();
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
        return jsonResponse(200, { running: [...running.keys()].filter((key) => key.startsWith(`${labId}/`)).map((key) => key.slice(labId.length + 1)) });
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
