import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadLab } from '../registry.ts';
import { loadStack } from '../stack-source.ts';

/** Props a lab stack gets in template tests: learner `alice`, one region, no account. */
// The CDK's built-in template validation (a WASM engine, about 5 s of CPU to start in each test
// process) only prints warnings unless the app opts into @aws-cdk/core:validateAgainstDefaultRules,
// which no lab does: it can fail no test. The engine deploys without it too (see deploy/synth.ts),
// and the tests that deploy have the local CloudFormation check every template.
process.env.CDK_VALIDATION ??= 'false';

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
