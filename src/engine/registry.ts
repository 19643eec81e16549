import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { LabDefinition } from '../../labs/kit/lab.ts';
import { lastStep, SOLUTION_DIR } from '../../labs/kit/steps/index.ts';
import { PROJECT_ROOT } from './paths.ts';
import { EngineError } from './events.ts';

export const LABS_DIR = join(PROJECT_ROOT, 'labs');

/** Folders under labs/ that hold a lab (kit/ is the shared code). */
export function labFolders(): string[] {
  return readdirSync(LABS_DIR)
    .filter((name) => /^lab-\d+-/.test(name) && statSync(join(LABS_DIR, name)).isDirectory())
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
}

/** Turns what a user typed (`lab-1`, `1`, `lab-1-fan-out`) into a lab folder, or says which labs exist. */
export function resolveLabFolder(id: string): string {
  const folders = labFolders();
  const number = /^(?:lab-?)?(\d+)(?:-.*)?$/.exec(id.trim())?.[1];
  const folder = folders.find((f) => f === id || f.split('-')[1] === number);
  if (!folder) throw new EngineError('UnknownLab', `There is no lab "${id}". The labs are: ${folders.map((f) => f.split('-').slice(0, 2).join('-')).join(', ')}.`);
  return folder;
}

/** The id of the lab a user named (`1`, `lab-1-fan-out` → `lab-1`), without loading its files. */
export function resolveLabId(id: string): string {
  return resolveLabFolder(id).split('-').slice(0, 2).join('-');
}

/**
 * Loads a lab's definition fresh from disk. Each load evaluates the lab's files anew (a new
 * module namespace), so an edit to stack.ts is picked up by the next deploy without a restart.
 */
export async function loadLab(id: string): Promise<LabDefinition> {
  const folder = resolveLabFolder(id);
  const file = pathToFileURL(join(LABS_DIR, folder, 'lab.ts')).href;
  let module: { default?: LabDefinition };
  try {
    module = await tsImport(file, { parentURL: import.meta.url });
  } catch (error) {
    throw new EngineError('LabLoadFailed', `Could not load labs/${folder}: ${(error as Error).message}`);
  }
  if (!module.default) throw new EngineError('LabLoadFailed', `labs/${folder}/lab.ts must export its lab as default (export default defineLab({...})).`);
  checkStackFiles(folder, module.default);
  return module.default;
}

/** A lab with a stack has the learner's file and an annotated solution with one step per page step. */
function checkStackFiles(folder: string, lab: LabDefinition): void {
  if (!lab.stack) return;
  const starter = join(LABS_DIR, folder, 'stack.ts');
  const solution = join(LABS_DIR, folder, SOLUTION_DIR, 'stack.ts');
  for (const file of [starter, solution]) {
    if (!existsSync(file)) throw new EngineError('LabLoadFailed', `labs/${folder} declares a stack but has no ${file.slice(LABS_DIR.length + 1)}.`);
  }
  let last: number;
  try {
    last = lastStep(readFileSync(solution, 'utf8'));
  } catch (error) {
    throw new EngineError('LabLoadFailed', `labs/${folder}/${SOLUTION_DIR}/stack.ts: ${(error as Error).message}`);
  }
  if (last !== lab.steps.length) {
    throw new EngineError('LabLoadFailed', `labs/${folder}/${SOLUTION_DIR}/stack.ts annotates steps up to ${last}, but lab.ts lists ${lab.steps.length} steps.`);
  }
}

/** Every lab, in order. */
export async function loadAllLabs(): Promise<LabDefinition[]> {
  return Promise.all(labFolders().map((folder) => loadLab(folder)));
}
