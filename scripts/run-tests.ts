// The test files of `npm test`, run by node's test runner two at a time (the machines this runs on
// have two cores), longest first. `node --test` runs files in the order of their names, which put
// the longest ones (the static build, the browser tests) last: one of them started near the end
// kept one core busy for minutes after the other had run out of work. Starting them first lets the
// short files fill the gaps. A file missing from SLOWEST_FIRST only runs later, never not at all.
//
//   node --import tsx scripts/run-tests.ts                   every test file
//   node --import tsx scripts/run-tests.ts 'tests/**/*.test.ts' src/api/app.test.ts   only these
//   node --import tsx scripts/run-tests.ts --list [patterns]   the files, in the order they start
import { globSync } from 'node:fs';
import { matchesGlob } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { PROJECT_ROOT } from '../src/engine/paths.ts';

const ALL = ['src/**/*.test.ts', 'labs/**/*.test.ts', 'docs/**/*.test.ts', 'tests/**/*.test.ts'];

/**
 * The files that take longest, longest first (measured on a 2-core machine, CPU seconds in
 * brackets): each group's files keep the order of their names.
 */
const SLOWEST_FIRST = [
  'tests/browser/static-build.test.ts', // a production build of the site (70)
  'src/engine/aws/aws-target.local-cloud.test.ts', // every lab through the CDK toolkit (62)
  'tests/browser/site.test.ts', // Labs 0 and 1 in the browser, axe on every page (44)
  'labs/lab-2-topic-queue-chaining/steps.test.ts', // (26)
  'tests/browser/lab-*.test.ts', // (31–42 each)
  'labs/step-typing.test.ts', // (32)
  'src/cloud/testing/reliability/*.test.ts', // (27)
  'tests/browser/*.test.ts', // the class dashboard (27)
  'labs/*/cli.test.ts', // (20)
  'labs/*/steps.test.ts', // (10–19 each)
  'src/cli/*.test.ts', // (13–20)
  'tests/**/*.test.ts', // the AWS CLI, the architecture (8–17)
  'labs/*/stack.test.ts',
  'src/class/*.test.ts',
];

/** The browser tests that open the site's dev server: with any of them, one dev server is started for all (see tests/browser/shared-site.ts). */
const USES_DEV_SERVER = (file: string) => file.startsWith('tests/browser/') && file !== 'tests/browser/static-build.test.ts';

function ordered(patterns: string[]): string[] {
  const files = [...new Set(globSync(patterns, { cwd: PROJECT_ROOT, exclude: (name) => name === 'node_modules' }))].sort();
  const rank = (file: string) => {
    const at = SLOWEST_FIRST.findIndex((pattern) => matchesGlob(file, pattern));
    return at < 0 ? SLOWEST_FIRST.length : at;
  };
  return files
    .map((file, i) => ({ file, i, rank: rank(file) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ file }) => file);
}

const list = process.argv[2] === '--list';
const patterns = process.argv.slice(list ? 3 : 2);
const files = ordered(patterns.length > 0 ? patterns : ALL);
if (files.length === 0) {
  console.error(`No test file matches ${patterns.join(' ')}.`);
  process.exit(1);
}
if (list) {
  console.log(files.join('\n'));
  process.exit(0);
}
process.chdir(PROJECT_ROOT);
// Node 24 runs a global setup module (--test-global-setup); @types/node does not list the option yet.
const options: Parameters<typeof run>[0] & { globalSetupPath?: string } = {
  files,
  concurrency: 2,
  globalSetupPath: files.some(USES_DEV_SERVER) ? 'tests/browser/shared-site.ts' : undefined,
};
const stream = run(options);
// As `node --test` does: any failure, a file that fails to load included, fails the run (a todo test's does not).
stream.on('test:fail', (event) => {
  if (!event.todo) process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
