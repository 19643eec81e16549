import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../labs/kit/target.ts';
import { type CloudOptions, type RunningCloud, startCloud } from '../cloud.ts';

export interface TestCloud extends RunningCloud {
  /** A local target pointing at this cloud, with a unique learner prefix. */
  target: Target;
}

/** Starts a real local cloud on a free port with its own state folder, for one test file. */
export async function startTestCloud(options: Partial<CloudOptions> = {}): Promise<TestCloud> {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-cloud-'));
  const cloud = await startCloud({ port: 0, dataDir, asyncRetryDelaysMs: [50, 100], persist: false, ...options });
  const prefix = `t${Math.random().toString(36).slice(2, 8)}`;
  return {
    ...cloud,
    target: { kind: 'local', endpoint: cloud.endpoint, region: 'us-east-1', prefix },
    async stop() {
      await cloud.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A unique resource name for one test. */
export function uniqueName(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}
