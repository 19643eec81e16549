import http from 'node:http';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { fixFauxqsPersistence } from '../services/sqs/fauxqs-persistence.ts';

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

/** Starts fauxqs on an internal port, keeping hold of its request handler. */
export async function createFauxqs(options: FauxqsOptions): Promise<Fauxqs> {
  await fixFauxqsPersistence();
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
