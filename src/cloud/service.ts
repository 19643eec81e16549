import type http from 'node:http';
import type http2 from 'node:http2';
import type { ActivityStream } from './activity/stream.ts';
import type { ActionTable } from './aws/context.ts';
import type { RestRoute } from './aws/http.ts';
import type { LambdaLimits } from './cloud.ts';
import type { Delivery } from './delivery/delivery.ts';
import type { Emulators } from './emulators/index.ts';
import type { Ledger } from './persistence/ledger.ts';
import type { CloudServices } from './services.ts';

export type Req = http.IncomingMessage | http2.Http2ServerRequest;
export type Res = http.ServerResponse | http2.Http2ServerResponse;

/** A request as the gateway hands it to a service that reads it itself. */
export interface IncomingRequest {
  req: Req;
  res: Res;
  /** The region the request was signed for, or the cloud's default. */
  region: string;
  /** Reads the whole body (once); a body over the service's `maxBodyBytes` is refused (BodyTooLarge). */
  body(): Promise<Buffer>;
  /** Makes what the request changed durable; called before answering a request that changed what the cloud keeps. */
  durable(): Promise<void>;
}

/** How a request a service did not answer (too large, a failure) is answered in its wire format. */
export type ErrorFormat = 'query' | 'json' | 'rest-json' | 'rest-xml';

/** How a service's requests reach it; the gateway routes and answers from this alone. */
export type Protocol =
  /** AWS query (form in, XML out): SNS, IAM, STS, CloudFormation. */
  | { kind: 'query'; title: string; xmlns: string; actions: ActionTable; invalidInputCode?: string }
  /** AWS JSON (`X-Amz-Target: <targetPrefix>.<Action>`): Logs, SSM, EventBridge, Step Functions, CloudWatch. */
  | { kind: 'json'; title: string; targetPrefix: string; version?: '1.0' | '1.1'; actions: ActionTable; invalidInputCode?: string }
  /** REST-JSON (method and path): Lambda, API Gateway. */
  | { kind: 'rest-json'; title: string; routes: RestRoute[]; invalidInputCode?: string }
  /** Served by a reused emulator behind the gateway: the service reads the request itself. */
  | {
      kind: 'emulated';
      title: string;
      targetPrefix?: string;
      /** The wire format of its errors (default json). */
      errors?: ErrorFormat;
      handle(request: IncomingRequest): Promise<void> | void;
    };

/** One AWS service of the local cloud, declared once: routing, health, identification and persistence follow from it. */
export interface CloudService {
  /** The name AWS signs its requests for (the SigV4 credential scope): `sns`, `states`, `monitoring`… */
  name: string;
  protocol: Protocol;
  /**
   * The largest request body the service reads: AWS's limit for its largest request, plus
   * headroom for the encoding. A larger body is refused before it is read, so no request can make
   * the cloud hold more than this in memory.
   */
  maxBodyBytes: number;
  /** The error code a body over `maxBodyBytes` is refused with (default RequestEntityTooLarge, HTTP 413). */
  tooLargeCode?: { code: string; status: number };
  /** Requests AWS answers without a signature, such as SNS's subscription links or API Gateway's invoke URLs. */
  unsigned?: { matches(url: string, headers: Req['headers']): boolean; handle(request: IncomingRequest): Promise<void> | void };
  /** What the service keeps across restarts (plain data: no processes, timers or promises); absent for emulators, which keep their own. */
  snapshot?(): unknown;
  /** Takes back what `snapshot` returned before a restart. */
  restore?(saved: any): void;
  /**
   * Starts what the restored state owes (deliveries, invocations), once every service is restored:
   * what it owes may reach any of them.
   */
  resume?(): void;
  /** Empties the service (`/_workshop/reset`). */
  reset?(): Promise<void> | void;
  /** Stops what it runs; the cloud is stopping. */
  shutdown?(): Promise<void> | void;
}

/** The settings every service may read, resolved once when the cloud starts. */
export interface CloudSettings {
  region: string;
  dataDir: string;
  persist: boolean;
  asyncRetryDelaysMs?: number[];
  stepFunctionsTimeScale?: number;
  metricsIntervalMs: number;
  snsHttp: { delayMsPerSecond: number; timeoutMs: number };
  lambda: LambdaLimits;
}

/** What a service is built with. */
export interface ServiceContext {
  settings: CloudSettings;
  /** A record-by-record store of what the service owes (deliveries, invocations, log lines): see `Ledger`. */
  ledger<T>(name: string): Ledger<T>;
  activity: ActivityStream;
  delivery: Delivery;
  emulators: Emulators;
  /**
   * The services built so far, and the rest once the cloud is assembled: reach others when a
   * request or a delivery needs them, not while building.
   */
  services: CloudServices;
  /** The cloud's endpoint (known once it listens). */
  endpoint(): string;
}

/** A service as the registry lists it: built once per cloud; `provides` is what other services and CloudFormation reach. */
export interface ServiceDefinition {
  build(context: ServiceContext): { service: CloudService; provides: Partial<CloudServices> };
}

/** One mebibyte, the unit AWS states its request limits in. */
export const MiB = 1_048_576;

/** Replaces a map's entries with saved ones (none when nothing was saved). */
export function refill<K, V>(target: Map<K, V>, saved: ReadonlyMap<K, V> | undefined): void {
  target.clear();
  for (const [key, value] of saved ?? []) target.set(key, value);
}
