import type { LearnerClassroom } from '../class/learner/classroom.ts';
import { ClassRefused, ClassUnreachable } from '../class/learner/client.ts';
import type { LabEngine } from '../engine/engine.ts';
import { EngineError } from '../engine/events.ts';
import { preflight } from '../engine/preflight.ts';
import { HttpError, jsonResponse } from './http-error.ts';
import { jsonBody, type Route } from './route.ts';

/** A class error as the lab API answers it: the class server's refusal keeps its status. */
function asHttpError(error: unknown): unknown {
  if (error instanceof ClassRefused) return new HttpError(error.status, error.code, error.message);
  if (error instanceof ClassUnreachable) return new HttpError(502, error.code, error.message);
  if (error instanceof EngineError) return new HttpError(error.code === 'AlreadyInClass' ? 409 : 400, error.code, error.message);
  return error;
}

const text = (body: Record<string, unknown>, name: string) => {
  const value = body[name];
  if (typeof value !== 'string' || !value.trim()) throw new HttpError(400, 'BadField', `${name} is required.`);
  return value.trim();
};

/**
 * The Join box's routes: where the learner stands (`GET /api/class`), joining (which also sends
 * the preflight) and leaving. The lab API does the talking to the class server; the page never does.
 */
export function classRoutes(classroom: LearnerClassroom, engine: LabEngine): Route[] {
  return [
    { method: 'GET', pattern: /^\/api\/class$/, handle: async () => jsonResponse(200, classroom.status()) },
    {
      method: 'POST',
      pattern: /^\/api\/class\/join$/,
      handle: async (_match, request) => {
        const body = await jsonBody(request);
        try {
          await classroom.join(text(body, 'url'), text(body, 'code'), text(body, 'name'), engine.target);
        } catch (error) {
          throw asHttpError(error);
        }
        const result = await preflight(engine.target, { insideWorkshop: true });
        await classroom.preflight(result);
        return jsonResponse(200, { ...classroom.status(), preflight: result });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/class\/leave$/,
      handle: async () => {
        await classroom.leave();
        return jsonResponse(200, classroom.status());
      },
    },
  ];
}
