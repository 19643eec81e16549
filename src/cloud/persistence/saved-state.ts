import type { CloudService } from '../service.ts';
import { StateFile } from './state-file.ts';

/** The state file's layout: each service's snapshot under its name. */
interface SavedState {
  version: 2;
  services: Record<string, unknown>;
}

/** Version 1 kept the services' state under fixed keys; each is moved under its service's name. */
function fromVersion1(v1: any): SavedState {
  return {
    version: 2,
    services: {
      sns: v1.sns,
      lambda: { functions: v1.lambda, eventSourceMappings: v1.eventSourceMappings },
      logs: v1.logs,
      iam: v1.iam,
      ssm: v1.ssm,
      apigateway: { apis: v1.apigateway, account: v1.apigatewayAccount ?? {} },
      events: v1.eventBridge,
      monitoring: v1.alarms,
      states: v1.stepFunctions,
      s3: v1.s3,
      cloudformation: v1.cloudformation,
    },
  };
}

/**
 * The state of the services the cloud implements itself, in one file: what each service's
 * `snapshot` returns, under its name. The reused emulators keep their own (fauxqs in SQLite,
 * dynalite in LevelDB, kinesalite in a snapshot file) in the same folder.
 */
export class SavedServices {
  private readonly file: StateFile<SavedState>;

  constructor(
    dataDir: string,
    private readonly services: CloudService[],
  ) {
    const keeping = services.filter((service) => service.snapshot);
    this.file = new StateFile<SavedState>(dataDir, () => ({
      version: 2,
      services: Object.fromEntries(keeping.map((s) => [s.name, s.snapshot!()])),
    }));
  }

  /** Gives each service back what it saved before the last stop (nothing on a first start). */
  restore(): void {
    const loaded = this.file.load() as SavedState | { version: 1 } | undefined;
    if (!loaded) return;
    const saved = loaded.version === 1 ? fromVersion1(loaded) : loaded;
    for (const service of this.services) {
      const state = saved.services[service.name];
      if (state !== undefined) service.restore?.(state);
    }
  }

  /** Notes a change; the file is rewritten shortly after. */
  touch(): void {
    this.file.touch();
  }

  /** Writes now if anything changed. */
  flush(): Promise<void> {
    return this.file.flush();
  }
}
