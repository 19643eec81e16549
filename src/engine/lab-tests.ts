import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LabDefinition } from '../../labs/kit/lab.ts';
import type { Target } from '../../labs/kit/target.ts';
import { TEST_TARGET_VARIABLE } from '../../labs/kit/testing.ts';
import { EngineError, type Report } from './events.ts';
import { PROJECT_ROOT } from './paths.ts';
import { LABS_DIR } from './registry.ts';

/** The folder of a lab's own tests: every .ts file in it is a test file. */
export const labTestsFolder = (lab: LabDefinition) => join(LABS_DIR, lab.slug, 'tests');

/** What `npx workshop test` found: how many tests ran, passed and failed. */
export interface TestSummary {
  tests: number;
  passed: number;
  failed: number;
}

/**
 * Runs a lab's tests (labs/<lab>/tests/*.ts) with the project's test runner (node:test, in a
 * child process so a test cannot disturb the engine), streaming its report line by line.
 * The tests learn where the lab runs from WORKSHOP_TEST_TARGET.
 */
export function runLabTests(
  lab: LabDefinition,
  target: Target,
  report: Report,
  signal: AbortSignal,
): Promise<TestSummary & { ok: boolean }> {
  const folder = labTestsFolder(lab);
  const files = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => name.endsWith('.ts'))
        .sort()
        .map((name) => join(folder, name))
    : [];
  if (files.length === 0)
    throw new EngineError(
      'NoTests',
      `${lab.id} has no tests yet: write them in ${relative(PROJECT_ROOT, folder)}/ (every .ts file there is a test file).`,
    );
  report({
    type: 'progress',
    message: `Running ${files.length} test file(s) of ${relative(PROJECT_ROOT, folder)}/ against ${target.kind === 'aws' ? `AWS (${target.region})` : target.endpoint}…`,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', ...files.map((file) => relative(PROJECT_ROOT, file))],
      {
        cwd: PROJECT_ROOT,
        env: testEnvironment(target),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stop = () => child.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    const summary: TestSummary = { tests: 0, passed: 0, failed: 0 };
    const lines = (stream: NodeJS.ReadableStream) => {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trimEnd();
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          const count = /^ℹ (tests|pass|fail) (\d+)$/.exec(line);
          if (count) summary[count[1] === 'tests' ? 'tests' : count[1] === 'pass' ? 'passed' : 'failed'] = Number(count[2]);
          else if (line && !/^ℹ /.test(line)) report({ type: 'output', line });
        }
      });
    };
    lines(child.stdout!);
    lines(child.stderr!);
    child.on('error', reject);
    child.on('close', (code) => {
      signal.removeEventListener('abort', stop);
      if (signal.aborted) return reject(new EngineError('Cancelled', 'The tests were stopped.'));
      report({ type: 'output', line: `${summary.passed} passed, ${summary.failed} failed` });
      resolve({ ...summary, ok: code === 0 && summary.failed === 0 && summary.tests > 0 });
    });
  });
}

/** The tests' environment: the engine's, the target, no colours, and not inside another test run. */
function testEnvironment(target: Target): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, [TEST_TARGET_VARIABLE]: JSON.stringify(target), NO_COLOR: '1', FORCE_COLOR: '0' };
  // Set by node:test for the files it runs: a child that inherits it runs no test at all.
  delete env.NODE_TEST_CONTEXT;
  return env;
}
