import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { ShapeFile } from '../../aws/input-shapes.ts';
import { type Answer, notAwsShaped } from './aws-shape.ts';
import type { ChildCloud } from './child-cloud.ts';
import { FuzzCorpus, type FuzzRequest } from './fuzz-corpus.ts';
import { Random } from './random.ts';

/** What a fuzz run found. */
export interface FuzzFigures {
  seed: number;
  tried: number;
  /** Answers 501 for what the local cloud does not emulate (AWS-shaped, named, by design). */
  notEmulated: number;
  /** Answers with any other 5xx status (AWS-shaped, but the cloud's own failure). */
  serverErrors: number;
  /** Answers an AWS SDK could not read, with the request that got each. */
  notAwsShaped: { index: number; label: string; why: string }[];
  /** Times the cloud's process died, with the request it died on. */
  crashes: { index: number; label: string; stderr: string }[];
  /** 5xx answers by what was sent (a few of each, to look into). */
  serverErrorSamples: { index: number; label: string; body: string }[];
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssPeakBytes: number;
}

const ANSWER_TIMEOUT_MS = 30_000;

/** The REST routes of Lambda and API Gateway, from the operation schemas the AWS SDK publishes. */
export async function restRoutes(): Promise<Record<'lambda' | 'apigateway', [string, string][]>> {
  const routesOf = async (client: string) => {
    const sdk = (await import(`@aws-sdk/client-${client}`)) as Record<string, unknown>;
    return Object.entries(sdk).flatMap(([name, value]) => {
      if (!name.endsWith('$') || !Array.isArray(value) || value[0] !== 9) return [];
      const route = (value[3] as { http?: [string, string] })?.http;
      return route ? [[route[0], route[1].split('?')[0]] as [string, string]] : [];
    });
  };
  return { lambda: await routesOf('lambda'), apigateway: await routesOf('api-gateway') };
}

/** The corpus, from the committed input shapes and the SDK's REST routes. */
export async function loadCorpus(): Promise<FuzzCorpus> {
  const shapes = JSON.parse(readFileSync(new URL('../../aws/input-shapes.json', import.meta.url), 'utf8')) as ShapeFile;
  return new FuzzCorpus(shapes, await restRoutes());
}

function sendHttp1(endpoint: URL, request: FuzzRequest): Promise<Answer> {
  if (request.oversize !== undefined) return sendOversize(endpoint, request);
  return new Promise((resolve, reject) => {
    const length = { 'content-length': String(request.body.length) };
    const req = http.request(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        method: request.method,
        path: request.path,
        headers: { ...length, ...request.headers, connection: 'close' },
        timeout: ANSWER_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/**
 * A body past the service's limit, over a plain socket: the cloud should answer as soon as it
 * knows (413 or the service's own code) and let the connection go. An HTTP client stops reading
 * once its write fails (EPIPE), losing that answer; here what the cloud wrote is read whatever
 * became of the upload, and parsed.
 */
function sendOversize(endpoint: URL, request: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(endpoint.port), endpoint.hostname);
    const declared = request.headers['content-length'] !== undefined;
    const head = [`${request.method} ${request.path} HTTP/1.1`, `host: ${endpoint.host}`, 'connection: close'];
    for (const [name, value] of Object.entries(request.headers)) head.push(`${name}: ${value}`);
    if (!declared) head.push('transfer-encoding: chunked');
    const frame = (chunk: Buffer) =>
      declared ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const received: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const answer = parseHttpAnswer(Buffer.concat(received));
      if (answer) resolve(answer);
      else reject(failure ?? new Error('the connection closed without an answer'));
    });
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    socket.write(frame(request.body));
    const chunk = Buffer.alloc(65_536, 'a');
    let written = 0;
    const pump = () => {
      while (written < request.oversize! && !socket.destroyed && received.length === 0) {
        const part = chunk.subarray(0, Math.min(chunk.length, request.oversize! - written));
        written += part.length;
        if (!socket.write(frame(part))) return void socket.once('drain', pump);
      }
      // Answered (or all sent): the upload ends here, and the answer is read to its end.
      if (socket.destroyed) return;
      if (declared) socket.end();
      else socket.end('0\r\n\r\n');
    };
    pump();
  });
}

/** An HTTP/1.1 answer as read off the wire (status line, headers, a body of Content-Length or to the end). */
function parseHttpAnswer(raw: Buffer): Answer | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) return undefined;
  const headers: Answer['headers'] = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.subarray(end + 4);
  const length = Number(headers['content-length']);
  return { status, headers, body: Number.isFinite(length) ? body.subarray(0, length) : body };
}

function sendHttp2(session: http2.ClientHttp2Session, request: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': request.method, ':path': request.path, ...request.headers });
    stream.setTimeout(ANSWER_TIMEOUT_MS, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    let status = 0;
    let headers: Answer['headers'] = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = h as Answer['headers'];
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () =>
      status ? resolve({ status, headers, body: Buffer.concat(chunks) }) : reject(new Error('the stream ended without an answer')),
    );
    stream.on('error', reject);
    stream.end(request.body);
  });
}

/**
 * Sends `count` requests of the corpus (request i is made from the seed and i alone, so any one
 * can be replayed) to a cloud in a child process, a few at a time, and checks each answer is
 * AWS-shaped and the process still alive; a dead cloud is counted as a crash and started again.
 */
export async function fuzz(
  cloud: ChildCloud,
  options: {
    seed: number;
    count: number;
    concurrency?: number;
    progress?: (done: number) => void;
    /** Send only these requests of the corpus (to replay what a run reported), printing each exchange. */
    only?: number[];
  },
): Promise<FuzzFigures> {
  const corpus = await loadCorpus();
  const base = new Random(options.seed);
  const figures: FuzzFigures = {
    seed: options.seed,
    tried: 0,
    notEmulated: 0,
    serverErrors: 0,
    notAwsShaped: [],
    crashes: [],
    serverErrorSamples: [],
    rssBeforeBytes: (await cloud.memory()).totalBytes,
    rssAfterBytes: 0,
    rssPeakBytes: 0,
  };
  figures.rssPeakBytes = figures.rssBeforeBytes;
  let session: http2.ClientHttp2Session | undefined;
  const h2 = () => {
    if (!session || session.closed || session.destroyed) {
      session = http2.connect(cloud.endpoint);
      session.on('error', () => undefined);
    }
    return session;
  };
  // First every action and route once, plainly: what answers 501 is left (mostly) out of the
  // corpus, so it reaches what the cloud does. Then the corpus: request i from the seed and i alone.
  const probes = corpus.probes();
  const send = async (index: number, request: FuzzRequest, probe: boolean) => {
    let answer: Answer | undefined;
    let failure: string | undefined;
    try {
      answer = request.http2 ? await sendHttp2(h2(), request) : await sendHttp1(new URL(cloud.endpoint), request);
    } catch (error) {
      failure = (error as Error).message;
    }
    figures.tried++;
    if (!cloud.alive()) {
      figures.crashes.push({ index, label: request.label, stderr: cloud.stderr.slice(-2_000) });
      session?.destroy();
      await cloud.start();
      return;
    }
    if (!answer) {
      figures.notAwsShaped.push({ index, label: request.label, why: `no answer: ${failure}` });
      return;
    }
    const why = notAwsShaped(request.wire, request.method, answer);
    if (why) figures.notAwsShaped.push({ index, label: request.label, why });
    if (answer.status === 501) {
      figures.notEmulated++;
      if (probe) corpus.notEmulated(request);
    } else if (answer.status >= 500) {
      figures.serverErrors++;
      if (figures.serverErrorSamples.filter((s) => s.label === request.label).length < 2)
        figures.serverErrorSamples.push({ index, label: request.label, body: answer.body.toString('utf8').slice(0, 300) });
    }
    if (figures.tried % 100 === 0) {
      figures.rssPeakBytes = Math.max(figures.rssPeakBytes, (await cloud.memory()).totalBytes);
      options.progress?.(figures.tried);
    }
  };
  const phase = async (count: number, requestAt: (index: number) => FuzzRequest, probe: boolean) => {
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < count; index = next++) await send(index, requestAt(index), probe);
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  };
  await phase(probes.length, (index) => probes[index], true);
  if (options.only) {
    for (const index of options.only) {
      const request = corpus.generate(base.fork(index));
      console.log(
        `#${index} ${request.label}\n  ${request.method} ${request.path} ${JSON.stringify(request.headers)}\n  ${request.body.toString('utf8').slice(0, 500)}`,
      );
      const before = figures.notAwsShaped.length + figures.serverErrorSamples.length + figures.crashes.length;
      await send(index, request, false);
      const after = [...figures.notAwsShaped, ...figures.serverErrorSamples, ...figures.crashes].slice(before);
      console.log(`  → ${after.length ? JSON.stringify(after) : 'AWS-shaped'}`);
    }
  } else await phase(options.count, (index) => corpus.generate(base.fork(index)), false);
  session?.close();
  figures.rssAfterBytes = (await cloud.memory()).totalBytes;
  figures.rssPeakBytes = Math.max(figures.rssPeakBytes, figures.rssAfterBytes);
  return figures;
}
