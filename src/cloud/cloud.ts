import { join } from 'node:path';
import { ActivityStream } from './activity/stream.ts';
import { Delivery } from './delivery/delivery.ts';
import { QueueDirectory } from './delivery/queues.ts';
import { type Emulators, startEmulators } from './emulators/index.ts';
import { createDualProtocolServer, listen } from './gateway/listener.ts';
import { serveReserved } from './gateway/reserved.ts';
import { routeRequests } from './gateway/router.ts';
import { SavedServices } from './persistence/saved-state.ts';
import { SERVICES } from './registry.ts';
import type { CloudService, CloudSettings } from './service.ts';
import { ensureCodeRoot } from './services/lambda/code.ts';
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
}

export interface RunningCloud {
  /** The endpoint every client uses, e.g. http://localhost:4566. */
  endpoint: string;
  port: number;
  services: CloudServices;
  /** Empties every service: no stacks, functions, topics, queues, tables or logs are left. */
  reset(): Promise<void>;
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
  };
  await ensureCodeRoot(join(settings.dataDir, 'lambda-code'));
  const emulators = await startEmulators(settings);
  const built: CloudService[] = [];
  try {
    return await assembleCloud(settings, options, emulators, built);
  } catch (error) {
    // A damaged state file or a taken port: stop what started, so nothing is left running.
    for (const service of built.reverse()) await service.shutdown?.();
    await emulators.stop();
    throw error;
  }
}

/** The registry's services around the running emulators, the gateway in front of them. */
async function assembleCloud(
  settings: CloudSettings,
  options: CloudOptions,
  emulators: Emulators,
  built: CloudService[],
): Promise<RunningCloud> {
  let endpoint = '';
  const activity = new ActivityStream();
  const services = { activity } as CloudServices;
  const delivery = new Delivery(new QueueDirectory(emulators.fauxqs, (region) => services.sqsIn(region)), () => services, settings.region);
  for (const definition of SERVICES) {
    const { service, provides } = definition.build({ settings, activity, delivery, emulators, services, endpoint: () => endpoint });
    built.push(service);
    Object.assign(services, provides);
  }

  const saved = new SavedServices(settings.dataDir, built);
  if (settings.persist) {
    saved.restore();
    activity.subscribe(() => saved.touch());
  }
  const reset = async () => {
    for (const service of [...built].reverse()) await service.reset?.();
    activity.emit('workshop.reset', endpoint);
    if (settings.persist) await saved.flush();
  };
  const server = createDualProtocolServer(
    routeRequests(built, {
      region: settings.region,
      reserved: (url, req, res) => serveReserved(url, req, res, { services: built.map((s) => s.name), activity, reset }),
      changed: () => settings.persist && saved.touch(),
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
    async stop() {
      for (const service of [...built].reverse()) await service.shutdown?.();
      await server.closeAll();
      if (settings.persist) await saved.flush();
      await emulators.stop();
    },
  };
}
