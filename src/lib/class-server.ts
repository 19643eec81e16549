import type { ClassEvent } from '../class/types.ts';

/** Where the class server is, and the instructor token that opens it. */
export interface ClassConnection {
  server: string;
  token: string;
}

const STORAGE_KEY = 'workshop.class.connection';

/**
 * The connection from the page address (`#server=…&token=…`, as `workshop class start` prints it),
 * else from this tab's session. The fragment never reaches a server; it is removed from the
 * address bar once read, so the token does not stay in the history or on a shared screen.
 */
export function readConnection(location: Location, storage: Storage): ClassConnection | undefined {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const server = hash.get('server');
  const token = hash.get('token');
  if (server && token) {
    const connection = { server: server.replace(/\/+$/, ''), token };
    storage.setItem(STORAGE_KEY, JSON.stringify(connection));
    history.replaceState(null, '', location.pathname + location.search);
    return connection;
  }
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as ClassConnection | null;
    return saved?.server && saved.token ? saved : undefined;
  } catch {
    return undefined;
  }
}

export function saveConnection(storage: Storage, connection: ClassConnection | undefined): void {
  if (connection) storage.setItem(STORAGE_KEY, JSON.stringify(connection));
  else storage.removeItem(STORAGE_KEY);
}

/**
 * Splits a server-sent event stream into the JSON of each event's data as chunks arrive; an event
 * split across chunks is joined first, comments (heartbeats) are skipped.
 */
export function sseSplitter(onData: (data: string) => void): { push(chunk: string): void } {
  let buffer = '';
  return {
    push(chunk) {
      buffer += chunk.replace(/\r\n/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        buffer = buffer.slice(end + 2);
        if (data) onData(data);
        end = buffer.indexOf('\n\n');
      }
    },
  };
}

/** The class server refused the instructor token (no retry helps). */
export class ClassAccessError extends Error {}

async function refusal(response: Response): Promise<string> {
  try {
    return (await response.json()).error?.message ?? `The class server answered ${response.status}.`;
  } catch {
    return `The class server answered ${response.status}.`;
  }
}

const authorized = (connection: ClassConnection, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...init.headers, authorization: `Bearer ${connection.token}` },
});

/**
 * Follows the class live: a snapshot, then every change. The instructor token goes in a header
 * (EventSource cannot send one), so the stream is read with fetch. When the connection drops it
 * comes back by itself (each reconnection starts with a fresh snapshot); a refused token stops it.
 */
export function followClass(
  connection: ClassConnection,
  handlers: {
    onEvent: (event: ClassEvent) => void;
    onStatus: (status: 'connecting' | 'live' | 'offline', detail?: string) => void;
    onRefused: (message: string) => void;
  },
): () => void {
  const controller = new AbortController();
  void (async () => {
    let delay = 500;
    while (!controller.signal.aborted) {
      handlers.onStatus('connecting');
      try {
        const response = await fetch(`${connection.server}/class/stream`, authorized(connection, { signal: controller.signal }));
        if (response.status === 401 || response.status === 403) throw new ClassAccessError(await refusal(response));
        if (!response.ok || !response.body) throw new Error(await refusal(response));
        handlers.onStatus('live');
        delay = 500;
        const splitter = sseSplitter((data) => handlers.onEvent(JSON.parse(data) as ClassEvent));
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          splitter.push(value);
        }
        handlers.onStatus('offline', 'The class server closed the stream.');
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ClassAccessError) {
          handlers.onRefused(error.message);
          return;
        }
        handlers.onStatus('offline', `No answer from ${connection.server}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  })();
  return () => controller.abort();
}

async function post(connection: ClassConnection, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(
    `${connection.server}${path}`,
    authorized(connection, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
  if (!response.ok) throw new Error(await refusal(response));
  return response.json();
}

/** Releases a lab's solution to the class (or holds it back again). */
export function releaseSolution(connection: ClassConnection, lab: string, released: boolean): Promise<unknown> {
  return post(connection, `/class/labs/${encodeURIComponent(lab)}/release`, { released });
}

/** Takes a learner out of the class (their name is free again). */
export function removeLearner(connection: ClassConnection, learnerId: string): Promise<unknown> {
  return post(connection, `/class/learners/${encodeURIComponent(learnerId)}/remove`, {});
}

/** A lab's facilitator notes (Markdown), or null when the lab has none yet. */
export async function facilitatorNotes(connection: ClassConnection, lab: string): Promise<{ markdown: string | null; file: string }> {
  const response = await fetch(`${connection.server}/class/labs/${encodeURIComponent(lab)}/notes`, authorized(connection));
  if (!response.ok) throw new Error(await refusal(response));
  return response.json();
}

/** Downloads the class's results as CSV or JSON. */
export async function downloadExport(connection: ClassConnection, format: 'csv' | 'json'): Promise<void> {
  const response = await fetch(`${connection.server}/class/export?format=${format}`, authorized(connection));
  if (!response.ok) throw new Error(await refusal(response));
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `class.${format}`;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}
