import { badRequest, ClassError } from './errors.ts';

/** The largest request body the class server reads: a lab's report is about 1 KiB. */
export const MAX_BODY_BYTES = 32 * 1024;

/**
 * Reads a JSON object from a request, refusing (413) bodies over `limit` bytes as they stream in,
 * without buffering them whole, and (400) anything that is not a JSON object.
 */
export async function readJsonObject(request: Request, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json'))
    throw new ClassError(415, 'JsonRequired', 'Send the body as JSON with Content-Type: application/json.');
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('BadJson', 'The body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('BadJson', 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}

const tooLarge = (limit: number) =>
  new ClassError(413, 'BodyTooLarge', `The body is larger than the class server accepts (${limit} bytes).`);

/** Readers of one field each: they throw a 400 that names the field and what it must be. */
export const field = {
  string(body: Record<string, unknown>, name: string, options: { max: number; optional?: boolean; pattern?: RegExp }): string | undefined {
    const value = body[name];
    if (value === undefined && options.optional) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > options.max)
      throw badRequest('BadField', `"${name}" must be a string of 1 to ${options.max} characters.`);
    if (options.pattern && !options.pattern.test(value))
      throw badRequest('BadField', `"${name}" has characters it cannot have (${options.pattern.source}).`);
    return value;
  },
  number(body: Record<string, unknown>, name: string, options: { min: number; max: number; optional?: boolean }): number | undefined {
    const value = body[name];
    if (value === undefined && options.optional) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < options.min || value > options.max)
      throw badRequest('BadField', `"${name}" must be a number from ${options.min} to ${options.max}.`);
    return value;
  },
  boolean(body: Record<string, unknown>, name: string): boolean {
    const value = body[name];
    if (typeof value !== 'boolean') throw badRequest('BadField', `"${name}" must be true or false.`);
    return value;
  },
  array(body: Record<string, unknown>, name: string, options: { min?: number; max: number }): Record<string, unknown>[] {
    const value = body[name];
    const min = options.min ?? 0;
    if (
      !Array.isArray(value) ||
      value.length < min ||
      value.length > options.max ||
      value.some((item) => !item || typeof item !== 'object' || Array.isArray(item))
    ) {
      throw badRequest('BadField', `"${name}" must be a list of ${min} to ${options.max} objects.`);
    }
    return value as Record<string, unknown>[];
  },
  object(body: Record<string, unknown>, name: string): Record<string, unknown> {
    const value = body[name];
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('BadField', `"${name}" must be an object.`);
    return value as Record<string, unknown>;
  },
};

/** Text that arrives from a learner and is shown to the instructor: printable characters only. */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
}
