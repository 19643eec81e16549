import { existsSync, readFileSync } from 'node:fs';
import { decode } from './codec.ts';

/**
 * Reads the state file earlier versions kept (`state.json`, rewritten whole shortly after each
 * change): undefined when there is none; a damaged file is reported, not trusted.
 */
export function readStateFile<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return decode<T>(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `The local cloud's saved state at ${path} cannot be read (${(error as Error).message}). Move it away or run "npx workshop reset" after starting.`,
    );
  }
}
