import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Tags } from 'aws-cdk-lib';
import type { LabDefinition } from '../../../labs/kit/lab.ts';
import { stackNameFor, type Target } from '../../../labs/kit/target.ts';
import { EngineError } from '../events.ts';
import { STATE_DIR } from '../paths.ts';
import type { LoadedStack } from '../stack-source.ts';

/** A file asset as the CDK's asset manifest describes it. */
export interface FileAsset {
  id: string;
  /** Absolute path of the file or folder to publish. */
  path: string;
  packaging: 'zip' | 'file';
  bucketName: string;
  objectKey: string;
}

export interface SynthesizedStack {
  stackName: string;
  templateBody: string;
  template: { Resources: Record<string, { Type: string }>; Outputs?: Record<string, unknown>; Parameters?: Record<string, unknown> };
  assets: FileAsset[];
}

// The CDK's built-in template validation starts a WASM engine that costs about two seconds per
// process; the target's CloudFormation validates the template anyway (locally too), so the
// engine does without it unless the user asks for it.
process.env.CDK_VALIDATION ??= 'false';

/** Tags every workshop resource carries, so a leftovers check can find them. */
export const WORKSHOP_TAG = 'workshop';
export const WORKSHOP_TAG_VALUE = 'wild-rydes-async-messaging';

/** The construct id of a lab's stack in its app: what the CDK toolkit selects stacks by. */
export const LAB_STACK_ID = 'Stack';

/** Which stack of a lab to synthesize: the learner's starter or the solution up to a step. */
export type StackChoice = { solution: false } | { solution: true; step: number };

/**
 * Synthesizes a lab's CDK app in this process (aws-cdk-lib is loaded once and stays warm) into
 * `.workshop/cdk.out/<lab>`, and reads back the template and its asset manifest.
 */
export function synthesize(lab: LabDefinition, target: Target, stack: LoadedStack): SynthesizedStack {
  const stackName = stackNameFor(target, lab.id);
  const outdir = join(STATE_DIR, 'cdk.out', `${lab.id}-${target.prefix}`);
  const app = buildApp(lab, target, stack, { outdir });
  let assembly: ReturnType<App['synth']>;
  try {
    assembly = app.synth();
  } catch (error) {
    throw new EngineError('SynthFailed', `Synthesizing ${lab.id} failed: ${(error as Error).message}`);
  }
  const artifact = assembly.stacks.find((s) => s.stackName === stackName);
  if (!artifact)
    throw new EngineError(
      'SynthFailed',
      `${lab.id}'s app did not produce a stack named ${stackName}; build the stack with the props the engine passes (stackName).`,
    );
  const templateBody = readFileSync(join(outdir, artifact.templateFile), 'utf8');
  return { stackName, templateBody, template: JSON.parse(templateBody), assets: readAssets(outdir, `${artifact.id}.assets.json`) };
}

/**
 * The CDK app of a lab for a learner: the chosen stack, named with the learner's prefix, and
 * every resource tagged with the workshop, the lab and the learner (for the leftovers check).
 */
export function buildApp(
  lab: LabDefinition,
  target: Target,
  stack: LoadedStack,
  options: { outdir: string; context?: Record<string, unknown>; account?: string },
): App {
  const stackName = stackNameFor(target, lab.id);
  const app = new App({ outdir: options.outdir, context: options.context });
  try {
    stack.factory(app, LAB_STACK_ID, { prefix: target.prefix, stackName, env: { account: options.account, region: target.region } });
  } catch (error) {
    throw new EngineError('StackError', `Building ${stack.description} failed: ${(error as Error).message}`);
  }
  Tags.of(app).add(WORKSHOP_TAG, WORKSHOP_TAG_VALUE);
  Tags.of(app).add('workshop:lab', lab.id);
  Tags.of(app).add('workshop:learner', target.prefix);
  return app;
}

function readAssets(outdir: string, manifestFile: string): FileAsset[] {
  let manifest: any;
  try {
    manifest = JSON.parse(readFileSync(join(outdir, manifestFile), 'utf8'));
  } catch {
    return [];
  }
  if (Object.keys(manifest.dockerImages ?? {}).length > 0) {
    throw new EngineError('UnsupportedAsset', 'This stack has container image assets; the workshop deploys zip and file assets only.');
  }
  const assets: FileAsset[] = [];
  for (const [id, file] of Object.entries<any>(manifest.files ?? {})) {
    for (const destination of Object.values<any>(file.destinations ?? {})) {
      assets.push({
        id,
        path: join(outdir, file.source.path),
        packaging: file.source.packaging === 'zip' ? 'zip' : 'file',
        bucketName: destination.bucketName,
        objectKey: destination.objectKey,
      });
    }
  }
  return assets;
}
