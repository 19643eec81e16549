/**
 * The lines between `// #region <name>` and `// #endregion <name>` of a source file, without the
 * marker lines of regions nested inside, and dedented: what a page shows of one lab step.
 */
export function extractRegion(source: string, name: string): string {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === `// #endregion ${name}`);
  if (start < 0 || end < 0) throw new Error(`No region "${name}" in the source.`);
  const body = lines.slice(start + 1, end).filter((line) => !/^\s*\/\/ #(end)?region\b/.test(line));
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return body.map((line) => line.slice(indent)).join('\n').trim();
}
