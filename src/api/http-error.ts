/** An error the lab API answers with its status and a JSON body `{ error: { code, message } }`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** Turns anything thrown by a route into a JSON answer; unknown errors become 500 without a stack. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) return jsonResponse(error.status, { error: { code: error.code, message: error.message } });
  const message = (error as Error)?.message ?? String(error);
  const cause = (error as { cause?: { code?: string } })?.cause;
  if (/ECONNREFUSED/.test(message) || cause?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(cause))) {
    return jsonResponse(503, {
      error: { code: 'CloudNotRunning', message: 'The local cloud is not answering. Restart the workshop with npm start.' },
    });
  }
  return jsonResponse(500, { error: { code: 'InternalError', message } });
}
