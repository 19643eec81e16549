import type http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { fixFauxqsPersistence } from '../services/sqs/fauxqs-persistence.ts';

type FauxqsOptions = NonNullable<Parameters<typeof startFauxqs>[0]>;

/**
 * fauxqs's dispatcher of SQS's JSON protocol (its class is not exported): runs the action that
 * X-Amz-Target names on an input already parsed, setting the answer's status and headers on
 * `reply`, and returns the answer's body as an object (an SQS error as its JSON document).
 */
export interface FauxqsSqsRouter {
  handle(
    request: { headers: http.IncomingHttpHeaders; body: unknown },
    reply: { status(code: number): unknown; header(name: string, value: string): unknown },
  ): Promise<unknown>;
}

/** fauxqs (SQS and S3), with its SQS dispatcher. */
export interface Fauxqs {
  server: FauxqsServer;
  /**
   * What fauxqs's web server hands an SQS JSON request to once it has parsed it: the gateway,
   * which has read and checked the request already, calls it directly, without a second trip
   * through an HTTP server (the SQS send path is benchmarked against fauxqs alone).
   */
  sqs: FauxqsSqsRouter;
}

/** Starts fauxqs on an internal port, keeping hold of its SQS dispatcher. */
export async function createFauxqs(options: FauxqsOptions): Promise<Fauxqs> {
  await fixFauxqsPersistence();
  // fauxqs builds its dispatcher inside startFauxqs and keeps it private; it is caught as it
  // registers its first action, during the synchronous start of the call. The module is the one
  // fauxqs's app.js imports, by its file (the package exports only its entry).
  const app = fileURLToPath(import.meta.resolve('fauxqs'));
  const { SqsRouter } = (await import(pathToFileURL(join(dirname(app), 'sqs', 'sqsRouter.js')).href)) as {
    SqsRouter: { prototype: FauxqsSqsRouter & { register(...args: unknown[]): unknown } };
  };
  const register = SqsRouter.prototype.register;
  let sqs: FauxqsSqsRouter | undefined;
  SqsRouter.prototype.register = function (this: FauxqsSqsRouter, ...args: unknown[]) {
    sqs ??= this;
    return register.apply(this, args);
  };
  let starting: Promise<FauxqsServer>;
  try {
    starting = startFauxqs(options);
  } finally {
    SqsRouter.prototype.register = register;
  }
  const server = await starting;
  if (!sqs) {
    await server.stop();
    throw new Error('fauxqs did not build its SQS dispatcher as expected; the installed fauxqs version is not the one the project pins.');
  }
  return { server, sqs };
}
