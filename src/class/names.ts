/** The longest learner name kept: enough for "Firstname Lastname", short enough for a grid. */
export const MAX_NAME_LENGTH = 40;

/**
 * A learner's name as the class shows it: Unicode-normalized, control and formatting characters
 * (bidi overrides, zero-width joiners) removed, only letters, marks, digits, spaces and . - _ '
 * kept, spaces collapsed, cut to MAX_NAME_LENGTH. Empty when nothing printable is left.
 */
export function cleanName(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[^\p{L}\p{M}\p{N} ._'-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_LENGTH)
    .trim();
}

/** The key that makes names unique in a class: "Ana  Silva" and "ana silva" are the same learner. */
export function nameKey(name: string): string {
  return cleanName(name).toLocaleLowerCase('en');
}
