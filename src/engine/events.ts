/**
 * What the engine reports while it works: the CLI prints these, the lab API streams them to the
 * page as newline-delimited JSON. The shapes are the lab API's contract.
 */
export type EngineEvent =
  | { type: 'progress'; message: string }
  | { type: 'resource'; logicalId: string; resourceType: string; status: string; reason?: string }
  | { type: 'output'; line: string }
  | { type: 'checkpoint'; id: string; step: number; title: string; ok: boolean; detail?: string; hint: string }
  | ({ type: 'done'; ok: boolean; durationMs: number } & DoneDetail);

export interface DoneDetail {
  outputs?: Record<string, string>;
  localUrls?: Record<string, string>;
  passed?: number;
  total?: number;
  error?: { code: string; message: string; resource?: string };
}

export type Report = (event: EngineEvent) => void;

/** An error the engine reports as the end of an operation, with what to do about it. */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    readonly code: string,
    message: string,
    readonly resource?: string,
  ) {
    super(message);
  }
}

/** What went wrong, as the page and the CLI show it: an engine error as it is, the rest named. */
export function errorOf(error: unknown): { code: string; message: string; resource?: string } {
  if (error instanceof EngineError) return { code: error.code, message: error.message, resource: error.resource };
  const e = error as Error & { name?: string; Code?: string };
  if (e.name === 'CheckpointFailure') return { code: 'CheckpointFailure', message: e.message };
  if (
    (e as any).code === 'ECONNREFUSED' ||
    (e as any).cause?.code === 'ECONNREFUSED' ||
    /ECONNREFUSED/.test(String((e as any).cause ?? e.message))
  ) {
    return {
      code: 'CloudNotRunning',
      message:
        'The local cloud is not running. Start it with "npm start" (the whole workshop) or "npx workshop up" (the cloud alone), then try again.',
    };
  }
  return { code: e.name ?? 'Error', message: e.message };
}
