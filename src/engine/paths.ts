import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (where package.json is). */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Project-local state, ignored by git: synthesized assemblies, the local cloud's data. */
export const STATE_DIR = process.env.WORKSHOP_STATE_DIR ?? join(PROJECT_ROOT, '.workshop');
