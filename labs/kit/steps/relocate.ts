// The annotated solution lives in labs/<lab>/solution/, the learner's file in labs/<lab>/, and the
// engine deploys a cut of it from a cache folder: the same source at three places. Only its
// relative module specifiers (and `new URL('./…', import.meta.url)` paths) differ between them.
// Plain string work on POSIX paths, so that the site can use it too.

function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

/** `to` relative to the folder `from`, always starting with `./` or `../` (a module specifier). */
export function relativeSpecifier(from: string, to: string): string {
  const a = normalize(from).split('/').filter(Boolean);
  const b = normalize(to).split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = a.slice(common).map(() => '..');
  const path = [...up, ...b.slice(common)].join('/');
  return path.startsWith('../') ? path : `./${path}`;
}

const SPECIFIERS = [
  // import … from './x', export … from './x', import './x', import('./x')
  /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.\.?\/[^'"]*)\2/g,
  // new URL('./functions/x.ts', import.meta.url)
  /(\bnew\s+URL\(\s*)(['"])(\.\.?\/[^'"]*)\2(?=\s*,\s*import\.meta\.url)/g,
];

/**
 * Rewrites the relative paths of a source written in folder `fromDir` so that they name the same
 * files from folder `toDir`. Both folders are POSIX paths relative to one common root.
 */
export function relocateSource(source: string, fromDir: string, toDir: string): string {
  if (normalize(fromDir) === normalize(toDir)) return source;
  let result = source;
  for (const pattern of SPECIFIERS) {
    result = result.replace(pattern, (_, before: string, quote: string, specifier: string) => {
      const target = normalize(`${fromDir}/${specifier}`);
      const trailingSlash = specifier.endsWith('/') ? '/' : '';
      return `${before}${quote}${relativeSpecifier(toDir, target)}${trailingSlash}${quote}`;
    });
  }
  return result;
}
