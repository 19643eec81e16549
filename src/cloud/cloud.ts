import { join } from 'node:path';
import { ActivityStream } from './activity/stream.ts';
import { Delivery } from './delivery/delivery.ts';
import { QueueDirectory } from './delivery/queues.ts';
import { type Emulators, startEmulators } from './emulators/index.ts';
import { createDualProtocolServer, listen } from './gateway/listener.ts';
import { serveReserved } from './gateway/reserved.ts';
import { routeRequests } from './gateway/router.ts';
import { type CloudMemory, measureMemory } from './memory.ts';
import { SavedServices } from './persistence/saved-state.ts';
import { SERVICES } from './registry.ts';
import type { CloudService, CloudSettings } from './service.ts';
import { ensureCodeRoot } from './services/lambda/code.ts';
import { defaultMaxStarting } from './services/lambda/pool.ts';
import type { CloudServices } from './services.ts';

export interface CloudOptions {
  /** Port of the endpoint; 0 picks a free one. Default 4566. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1: the cloud is for this machine only. */
  host?: string;
  /** Region of requests that do not name one. Default us-east-1. */
  region?: string;
  /** Folder for function code and other state. */
  dataDir: string;
  /** Delays before Lambda's asynchronous retries (AWS: about 1 and 2 minutes). */
  asyncRetryDelaysMs?: number[];
  /** Keep state in `dataDir` across restarts. Default true. */
  persist?: boolean;
  /** Scales Step Functions' Wait states and Retry intervals (tests). Default 1: as written. */
  stepFunctionsTimeScale?: number;
  /** How often queue gauges are sampled and alarms evaluated. Default 5 s. */
  metricsIntervalMs?: number;
  /**
   * SNS's delivery retries: local milliseconds per second of a delivery policy's delays (AWS:
   * 1,000; default 50, so the default three 20-second HTTP retries take 3 s) and how long one
   * POST to an HTTP/S subscriber may take (AWS: 15 s; default 5 s).
   */
  snsHttp?: { delayMsPerSecond?: number; timeoutMs?: number };
  /** Lambda's execution environments, each a Node.js process: how many, how long idle, how large. */
  lambda?: Partial<LambdaLimits>;
}

/**
 * Lab 3 runs its ten quote providers at once, each busy until it answers, beside the functions
 * around them: fewer places than that would make a request wait past its deadline. About 60 MiB
 * each, idle ones reclaimed after two minutes.
 */
export const DEFAULT_MAX_ENVIRONMENTS = 20;

/** Lambda's execution environments on this machine (see CloudSettings.lambda). */
export interface LambdaLimits {
  /**
   * Most environments alive at once across every function: a new one stops the least recently
   * used idle one, or waits for one to finish. Default DEFAULT_MAX_ENVIRONMENTS
   * (`WORKSHOP_LAMBDA_MAX_ENVIRONMENTS`).
   */
  maxEnvironments: number;
  /** An environment idle this long is stopped. Default 120 s (`WORKSHOP_LAMBDA_IDLE_SECONDS`); AWS keeps them longer. */
  idleMs: number;
  /**
   * Heap of each environment in MiB: the function's MemorySize, but no more than this. Default 512
   * (`WORKSHOP_LAMBDA_MAX_HEAP_MB`).
   */
  maxHeapMb: number;
  /**
   * Most environments starting at once, all functions together: each start loads the function's
   * code and the AWS SDK in a new process, CPU-bound, so more at once than the machine has cores
   * only makes each slower. Default: one less than the machine's available parallelism, at least
   * one (see defaultMaxStarting), so that a first burst of messages leaves a core to the cloud's
   * own work (`WORKSHOP_LAMBDA_MAX_STARTING`).
   */
  maxStarting: number;
}

/** A positive number from the environment, or undefined. */
function fromEnvironment(name: string): number | undefined {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isFinite(value) && value > 0 ? value : undefined;
}

export interface RunningCloud {
  /** The endpoint every client uses, e.g. http://localhost:4566. */
  endpoint: string;
  port: number;
  services: CloudServices;
  /** Empties every service: no stacks, functions, topics, queues, tables or logs are left. */
  reset(): Promise<void>;
  /** The cloud's memory: its process (emulator threads included) and every Lambda environment's process. */
  memory(): Promise<CloudMemory>;
  stop(): Promise<void>;
}

/** Starts the local cloud: one endpoint serving every AWS API the labs use. */
export async function startCloud(options: CloudOptions): Promise<RunningCloud> {
  const settings: CloudSettings = {
    region: options.region ?? 'us-east-1',
    dataDir: options.dataDir,
    persist: options.persist ?? true,
    asyncRetryDelaysMs: options.asyncRetryDelaysMs,
    stepFunctionsTimeScale: options.stepFunctionsTimeScale,
    metricsIntervalMs: options.metricsIntervalMs ?? 5_000,
    snsHttp: { delayMsPerSecond: options.snsHttp?.delayMsPerSecond ?? 50, timeoutMs: options.snsHttp?.timeoutMs ?? 5_000 },
    // Environment fallbacks are read here, once.
    lambda: {
      maxEnvironments: options.lambda?.maxEnvironments ?? fromEnvironment('WORKSHOP_LAMBDA_MAX_ENVIRONMENTS') ?? DEFAULT_MAX_ENVIRONMENTS,
      idleMs: options.lambda?.idleMs ?? (fromEnvironment('WORKSHOP_LAMBDA_IDLE_SECONDS') ?? 120) * 1000,
      maxHeapMb: options.lambda?.maxHeapMb ?? fromEnvironment('WORKSHOP_LAMBDA_MAX_HEAP_MB') ?? 512,
      maxStarting: options.lambda?.maxStarting ?? fromEnvironment('WORKSHOP_LAMBDA_MAX_STARTING') ?? defaultMaxStarting(),
    },
  };
  await ensureCodeRoot(join(settings.dataDir, 'lambda-code'));
  const activity = new ActivityStream();
  const emulators = await startEmulators({
    ...settings,
    restarted: (service, reason) => activity.emit('workshop.emulator-restarted', service, { service, reason }),
  });
  const built: CloudService[] = [];
  let saved: SavedServices | undefined;
  try {
    saved = new SavedServices(settings.dataDir, settings.persist);
    return await assembleCloud(settings, options, emulators, activity, saved, built);
  } catch (error) {
    // A damaged state file or a taken port: stop what started, so nothing is left running.
    for (const service of built.reverse()) await service.shutdown?.();
    await saved?.close();
    await emulators.stop();
    throw error;
  }
}

/** The services whose state an activity may have changed: its own (by its registry name), and Lambda's log lines. */
function touchedBy(service: string): string[] {
  if (service === 'cloudformation') return ['*'];
  if (service === 'cloudwatch') return ['monitoring'];
  if (service === 'lambda') return ['lambda', 'logs'];
  return [service];
}

/** The registry's services around the running emulators, the gateway in front of them. */
async function assembleCloud(
  settings: CloudSettings,
  options: CloudOptions,
  emulators: Emulators,
  activity: ActivityStream,
  saved: SavedServices,
  built: CloudService[],
): Promise<RunningCloud> {
  let endpoint = '';
  const services = { activity } as CloudServices;
  const delivery = new Delivery(new QueueDirectory(emulators.fauxqs, (region) => services.sqsIn(region)), () => services, settings.region);
  for (const definition of SERVICES) {
    const { service, provides } = definition.build({
      settings,
      activity,
      delivery,
      emulators,
      services,
      endpoint: () => endpoint,
      ledger: (name) => saved.ledger(name),
    });
    built.push(service);
    Object.assign(services, provides);
  }

  saved.restore(built);
  activity.subscribe((event) => saved.touch(...touchedBy(event.service)));
  const reset = async () => {
    for (const service of [...built].reverse()) await service.reset?.();
    activity.emit('workshop.reset', endpoint);
    await saved.flush();
  };
  const memory = () =>
    measureMemory([
      ...[emulators.dynalite, emulators.kinesalite].flatMap((e, i) =>
        e.pid ? [{ pid: e.pid, what: i === 0 ? 'dynalite' : 'kinesalite' }] : [],
      ),
      ...services.lambda.environments.environments().flatMap((e) => (e.pid ? [{ pid: e.pid, what: `lambda ${e.functionName}` }] : [])),
    ]);
  const server = createDualProtocolServer(
    routeRequests(built, {
      region: settings.region,
      reserved: (url, req, res) => serveReserved(url, req, res, { services: built.map((s) => s.name), activity, reset, memory }),
      commit: (service) => saved.commit(service),
    }),
  );
  const port = await listen(
    server,
    options.port ?? 4566,
    options.host ?? '127.0.0.1',
    'local cloud',
    'WORKSHOP_CLOUD_PORT=<port> (or --port)',
  );
  endpoint = `http://localhost:${port}`;

  return {
    endpoint,
    port,
    services,
    reset,
    memory,
    async stop() {
      for (const service of [...built].reverse()) await service.shutdown?.();
      await server.closeAll();
      await saved.flush();
      await saved.close();
      await emulators.stop();
    },
  };
}
