import http from 'node:http';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

type FauxqsOptions = NonNullable<Parameters<typeof startFauxqs>[0]>;
type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** fauxqs (SQS and S3), with the function its HTTP server hands each request to. */
export interface Fauxqs {
  server: FauxqsServer;
  /**
   * fauxqs's own request handler: the gateway gives it an HTTP/1.1 request it has received
   * directly, without a second trip over a loopback socket (the SQS send path is benchmarked).
   */
  handle: RequestHandler;
}

/**
 * fauxqs 2.4.1, with persistence on, writes NULL into the NOT NULL receive count of a message
 * made visible again (ChangeMessageVisibility to 0): the call takes effect in memory, then fails,
 * and the client's retry is told the message is not in flight. Made visible again, a message keeps
 * its receive count and first receive time, as SQS keeps them. Remove once fauxqs does it itself.
 */
async function keepReceiveCountsWhenMadeVisible(): Promise<void> {
  const { PersistenceManager } = (await import(new URL('./persistence.js', import.meta.resolve('fauxqs')).href)) as {
    PersistenceManager: { prototype: { updateMessageReady(messageId: string): void; db: { prepare(sql: string): { run(...values: unknown[]): unknown } } } };
  };
  const statements = new WeakMap<object, { run(...values: unknown[]): unknown }>();
  PersistenceManager.prototype.updateMessageReady = function updateMessageReady(messageId) {
    let statement = statements.get(this);
    if (!statement) statements.set(this, (statement = this.db.prepare('UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?')));
    statement.run(messageId);
  };
}

/** Starts fauxqs on an internal port, keeping hold of its request handler. */
export async function createFauxqs(options: FauxqsOptions): Promise<Fauxqs> {
  if (options.dataDir) await keepReceiveCountsWhenMadeVisible();
  // fauxqs builds its Fastify server inside startFauxqs and keeps it private; the handler is
  // caught as Fastify creates the server, during the synchronous start of the call.
  const createServer = http.createServer;
  let handle: RequestHandler | undefined;
  (http as { createServer: unknown }).createServer = (...args: unknown[]) => {
    handle ??= args.find((arg): arg is RequestHandler => typeof arg === 'function');
    return (createServer as (...a: unknown[]) => http.Server)(...args);
  };
  let starting: Promise<FauxqsServer>;
  try {
    starting = startFauxqs(options);
  } finally {
    (http as { createServer: unknown }).createServer = createServer;
  }
  const server = await starting;
  if (!handle) {
    await server.stop();
    throw new Error('fauxqs did not create its HTTP server as expected; the installed fauxqs version is not the one the project pins.');
  }
  return { server, handle };
}
