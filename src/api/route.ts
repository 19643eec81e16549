import { HttpError } from './http-error.ts';

/** One operation of the lab API: a method, a path pattern, and what answers it. */
export type Route = { method: 'GET' | 'POST'; pattern: RegExp; handle: (match: string[], request: Request) => Promise<Response> };

/** The request's JSON object body (empty when there is none); 400 when it is anything else. */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
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
