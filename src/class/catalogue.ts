import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LabSummary } from '../engine/engine.ts';
import { PROJECT_ROOT } from '../engine/paths.ts';
import { LABS_DIR } from '../engine/registry.ts';

const run = promisify(execFile);

/** The labs a class follows: their steps and checkpoints (with hints), and the instructor's notes. */
export interface LabCatalogue {
  labs: LabSummary[];
  /** The facilitator notes of a lab (Markdown), or undefined when its authors wrote none yet. */
  notes(labId: string): Promise<string | undefined>;
  hasNotes(labId: string): boolean;
}

/** The file holding a lab's facilitator notes: Timing, Usual mistakes, Questions for the room. */
export const notesFile = (labsDir: string, slug: string) => join(labsDir, slug, 'instructor.md');

/** A catalogue from lab summaries, with notes read from `labsDir/<slug>/instructor.md`. */
export function catalogueOf(labs: LabSummary[], labsDir = LABS_DIR): LabCatalogue {
  const slugOf = (labId: string) => labs.find((lab) => lab.id === labId)?.slug;
  return {
    labs,
    hasNotes: (labId) => {
      const slug = slugOf(labId);
      return slug !== undefined && existsSync(notesFile(labsDir, slug));
    },
    async notes(labId) {
      const slug = slugOf(labId);
      if (!slug) return undefined;
      try {
        return await readFile(notesFile(labsDir, slug), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

/**
 * The workshop's own labs, from labs/. Loading a lab loads the CDK (about 150 MiB that stay in
 * the process), which a class server that runs all day never needs: a short-lived
 * `workshop labs --json` reads them instead.
 */
export async function workshopCatalogue(): Promise<LabCatalogue> {
  const { stdout } = await run(process.execPath, [join(PROJECT_ROOT, 'bin', 'workshop.mjs'), 'labs', '--json'], {
    cwd: PROJECT_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return catalogueOf(JSON.parse(stdout) as LabSummary[]);
}
