import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { LabDefinition } from '../../labs/kit/lab.ts';
import { lastStep, SOLUTION_DIR } from '../../labs/kit/steps/index.ts';
import { EngineError } from './events.ts';
import { folderFingerprint, LabModuleCache } from './lab-modules.ts';
import { PROJECT_ROOT } from './paths.ts';

export const LABS_DIR = join(PROJECT_ROOT, 'labs');

/** Folders under labs/ (or `root`) that hold a lab (kit/ is the shared code). */
export function labFolders(root = LABS_DIR): string[] {
  return readdirSync(root)
    .filter((name) => /^lab-\d+-/.test(name) && statSync(join(root, name)).isDirectory())
    .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
}

/** Turns what a user typed (`lab-1`, `1`, `lab-1-fan-out`) into a lab folder, or says which labs exist. */
export function resolveLabFolder(id: string, root = LABS_DIR): string {
  const folders = labFolders(root);
  const number = /^(?:lab-?)?(\d+)(?:-.*)?$/.exec(id.trim())?.[1];
  const folder = folders.find((f) => f === id || f.split('-')[1] === number);
  if (!folder)
    throw new EngineError(
      'UnknownLab',
      `There is no lab "${id}". The labs are: ${folders.map((f) => f.split('-').slice(0, 2).join('-')).join(', ')}.`,
    );
  return folder;
}

/** The id of the lab a user named (`1`, `lab-1-fan-out` → `lab-1`), without loading its files. */
export function resolveLabId(id: string, root = LABS_DIR): string {
  return resolveLabFolder(id, root).split('-').slice(0, 2).join('-');
}

const definitions = new LabModuleCache<LabDefinition>();

/**
 * The fingerprint a lab's definition is kept by: every file under `root` but the learners' own
 * stack.ts, which no lab.ts imports (the engine loads it apart), so that the edit-and-deploy loop
 * does not evaluate the lab's checkpoints and snippets again each time.
 */
export function definitionsFingerprint(root = LABS_DIR): string {
  return folderFingerprint(root, (path) => /^lab-\d+-[^/]+\/stack\.ts$/.test(path));
}

/**
 * Loads a lab's definition from `root` (labs/). Its files are evaluated anew (a new module
 * namespace) when a file under `root` changed since the last load, so an edit to a checkpoint
 * is picked up by the next verify without a restart; otherwise the last load is reused.
 */
export async function loadLab(id: string, root = LABS_DIR, fingerprint = definitionsFingerprint(root)): Promise<LabDefinition> {
  const folder = resolveLabFolder(id, root);
  return definitions.get(join(root, folder), fingerprint, () => importLab(root, folder));
}

async function importLab(root: string, folder: string): Promise<LabDefinition> {
  const file = pathToFileURL(join(root, folder, 'lab.ts')).href;
  let module: { default?: LabDefinition };
  try {
    module = await tsImport(file, { parentURL: import.meta.url });
  } catch (error) {
    throw new EngineError('LabLoadFailed', `Could not load labs/${folder}: ${(error as Error).message}`);
  }
  if (!module.default)
    throw new EngineError('LabLoadFailed', `labs/${folder}/lab.ts must export its lab as default (export default defineLab({...})).`);
  checkStackFiles(root, folder, module.default);
  return module.default;
}

/** A lab with a stack has the learner's file and an annotated solution with one step per page step. */
function checkStackFiles(root: string, folder: string, lab: LabDefinition): void {
  if (!lab.stack) return;
  const starter = join(root, folder, 'stack.ts');
  const solution = join(root, folder, SOLUTION_DIR, 'stack.ts');
  for (const file of [starter, solution]) {
    if (!existsSync(file))
      throw new EngineError('LabLoadFailed', `labs/${folder} declares a stack but has no ${file.slice(root.length + 1)}.`);
  }
  let last: number;
  try {
    last = lastStep(readFileSync(solution, 'utf8'));
  } catch (error) {
    throw new EngineError('LabLoadFailed', `labs/${folder}/${SOLUTION_DIR}/stack.ts: ${(error as Error).message}`);
  }
  if (last !== lab.steps.length) {
    throw new EngineError(
      'LabLoadFailed',
      `labs/${folder}/${SOLUTION_DIR}/stack.ts annotates steps up to ${last}, but lab.ts lists ${lab.steps.length} steps.`,
    );
  }
}

/** Every lab, in order. */
export async function loadAllLabs(root = LABS_DIR): Promise<LabDefinition[]> {
  const fingerprint = definitionsFingerprint(root);
  return Promise.all(labFolders(root).map((folder) => loadLab(folder, root, fingerprint)));
}
