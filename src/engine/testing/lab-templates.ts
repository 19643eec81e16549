import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadLab } from '../registry.ts';
import { loadStack } from '../stack-source.ts';

/** Props a lab stack gets in template tests: learner `alice`, one region, no account. */
export const TEST_STACK_PROPS = { prefix: 'alice', stackName: 'alice-lab', env: { region: 'us-east-1' } };

/**
 * The templates of a lab's stacks for CDK assertions, built from the same files the engine
 * deploys: `starter` from the learner's stack.ts, `steps[N]` from the solution after step N.
 */
export async function labTemplates(labId: string): Promise<{ starter: Template; steps: Template[] }> {
  const lab = await loadLab(labId);
  // One app per stack (an app cannot grow after it has synthesized), sharing one output folder
  // so that each function is bundled once.
  const outdir = mkdtempSync(join(tmpdir(), `${lab.id}-synth-`));
  const build = async (choice: Parameters<typeof loadStack>[1], id: string) => {
    const { factory } = await loadStack(lab, choice);
    return Template.fromStack(factory(new App({ outdir }), id, TEST_STACK_PROPS));
  };
  const starter = await build({ solution: false }, 'Starter');
  const steps: Template[] = [];
  for (let n = 0; n <= lab.steps.length; n++) steps.push(await build({ solution: true, step: n }, `Step${n}`));
  return { starter, steps };
}
