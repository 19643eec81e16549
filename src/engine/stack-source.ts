import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { LabDefinition, StackFactory } from '../../labs/kit/lab.ts';
import { lastStep, relocateSource, SOLUTION_DIR, sourceAtStep } from '../../labs/kit/steps/index.ts';
import type { StackChoice } from './deploy/synth.ts';
import { EngineError } from './events.ts';
import { folderFingerprint, LabModuleCache } from './lab-modules.ts';
import { PROJECT_ROOT } from './paths.ts';
import { LABS_DIR } from './registry.ts';

/**
 * Where the solution's cut files are written. Inside the project on purpose, whatever
 * WORKSHOP_STATE_DIR says: their `aws-cdk-lib` imports resolve from the project's node_modules.
 */
export const STEP_FILES_DIR = join(PROJECT_ROOT, '.workshop', 'steps');

/** A stack ready to build, and the file it comes from (for messages). */
export interface LoadedStack {
  factory: StackFactory;
  /** The file, relative to the project: `labs/lab-1-fan-out/stack.ts`. */
  file: string;
  /** What it is, for progress messages: "your labs/…/stack.ts" or "the solution up to step 3". */
  description: string;
}

/** The learner's file (`labs/<lab>/stack.ts`). */
export const starterFile = (lab: LabDefinition, root = LABS_DIR) => join(root, lab.slug, 'stack.ts');
/** The annotated solution every step is cut from (`labs/<lab>/solution/stack.ts`). */
export const solutionFile = (lab: LabDefinition, root = LABS_DIR) => join(root, lab.slug, SOLUTION_DIR, 'stack.ts');

/** The annotated solution's text. */
export function readSolution(lab: LabDefinition, root = LABS_DIR): string {
  return readFileSync(solutionFile(lab, root), 'utf8');
}

/**
 * Writes "the learner's file after `step`" where it can be imported, and returns its path. The
 * name carries a hash of the content, so concurrent writers never disagree and an edit to the
 * solution gives a new module.
 */
export function writeStepFile(lab: LabDefinition, step: number, learnerText?: string, root = LABS_DIR): string {
  const folder = join(STEP_FILES_DIR, lab.slug);
  const text = learnerText
    ? relocateSource(learnerText, join(root, lab.slug), folder)
    : relocateSource(sourceAtStep(readSolution(lab, root), step), join(root, lab.slug, SOLUTION_DIR), folder);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const file = join(folder, `step-${step}-${hash}.ts`);
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  }
  return file;
}

/** Imports a stack module and returns a factory for the lab's stack class in it. */
export async function importStack(lab: LabDefinition, file: string, shownAs: string): Promise<StackFactory> {
  const className = lab.stack!.className;
  let module: Record<string, unknown>;
  try {
    module = await tsImport(pathToFileURL(file).href, { parentURL: import.meta.url });
  } catch (error) {
    throw new EngineError('StackError', `Could not load ${shownAs}: ${(error as Error).message}`);
  }
  const StackClass = module[className];
  if (typeof StackClass !== 'function') {
    throw new EngineError('StackError', `${shownAs} must export the class ${className} (export class ${className} extends Stack { … }).`);
  }
  return (scope, id, props) => new (StackClass as new (...args: Parameters<StackFactory>) => ReturnType<StackFactory>)(scope, id, props);
}

const factories = new LabModuleCache<StackFactory>();

/**
 * The stack a deploy builds: the learner's stack.ts, or the solution as it is after a step. Its
 * module is imported again only when a file under `root` (labs/) changed since it was last
 * imported: an edit to the learner's stack.ts deploys at once, an unchanged one costs no compile.
 */
export async function loadStack(lab: LabDefinition, choice: StackChoice, root = LABS_DIR): Promise<LoadedStack> {
  if (!lab.stack) throw new EngineError('NoStack', `${lab.id} has no stack to deploy.`);
  const fingerprint = folderFingerprint(root);
  const load = (file: string, shownAs: string) =>
    factories.get(`${file}|${lab.stack!.className}`, fingerprint, () => importStack(lab, file, shownAs));
  if (!choice.solution) {
    const file = `labs/${lab.slug}/stack.ts`;
    return { factory: await load(starterFile(lab, root), file), file, description: `your ${file}` };
  }
  const step = Math.max(0, Math.min(choice.step, lastStep(readSolution(lab, root))));
  const description = `the solution of ${lab.id} up to step ${step}`;
  const file = writeStepFile(lab, step, undefined, root);
  return { factory: await load(file, description), file: file.slice(PROJECT_ROOT.length), description };
}
