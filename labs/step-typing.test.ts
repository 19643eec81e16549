// The code a step shows is the code the learner types, for every step of every lab with a stack
// (a new lab cannot skip this: it runs over every folder under labs/). Starting from the starter
// and applying each step's changes as the page shows them, the learner's file must be the
// solution at that step, type-check, and synthesize the template the engine deploys for it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import ts from 'typescript';
import { PROJECT_ROOT } from '../src/engine/paths.ts';
import { labFolders, loadLab } from '../src/engine/registry.ts';
import { importStack, loadStack, readSolution, starterFile, writeStepFile } from '../src/engine/stack-source.ts';
import { TEST_STACK_PROPS } from '../src/engine/testing/lab-templates.ts';
import { applyHunks, learnerFileAtStep, stepChanges } from './kit/steps/index.ts';

/** The first line where two texts differ, for a message that points at it. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line < 0 ? a.length : line;
  return `line ${at + 1}: ${JSON.stringify(a[at] ?? '(end of file)')} where the solution has ${JSON.stringify(b[at] ?? '(end of file)')}`;
}

/** Type errors of the given files, checked together with the project's compiler options. */
function typeErrors(files: string[]): string[] {
  const configPath = join(PROJECT_ROOT, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, PROJECT_ROOT);
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || files.includes(d.file.fileName))
    .map(
      (d) =>
        `${d.file ? `${d.file.fileName.slice(PROJECT_ROOT.length)}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

// One output folder for every app, so that each function is bundled once.
const outdir = mkdtempSync(join(tmpdir(), 'step-typing-'));
const labs = (await Promise.all(labFolders().map((folder) => loadLab(folder)))).filter((lab) => lab.stack);

describe('the code each step shows is the code the learner types', () => {
  const typedFiles: string[] = [];

  for (const lab of labs) {
    test(`${lab.id}: stack.ts is the solution at step 0, and each step's changes apply to it in order`, async () => {
      const annotated = readSolution(lab);
      let file = readFileSync(starterFile(lab), 'utf8');
      const starter = learnerFileAtStep(annotated, 0);
      assert.equal(
        file,
        starter,
        `labs/${lab.slug}/stack.ts is not solution/stack.ts at step 0 (${firstDifference(file, starter)}): the starter and the solution's step-0 lines must be the same file`,
      );
      for (const { n } of lab.steps) {
        const changes = stepChanges(annotated, n);
        assert.ok(changes.length > 0, `step ${n} of ${lab.id} changes nothing in stack.ts`);
        file = applyHunks(file, changes);
        assert.equal(file, learnerFileAtStep(annotated, n), `after step ${n}, the typed file is not the solution at step ${n}`);
        typedFiles.push(writeStepFile(lab, n, file));

        const typed = await importStack(lab, writeStepFile(lab, n, file), `the typed stack.ts after step ${n}`);
        const deployed = await loadStack(lab, { solution: true, step: n });
        const template = (factory: typeof typed) => Template.fromStack(factory(new App({ outdir }), 'Stack', TEST_STACK_PROPS)).toJSON();
        assert.deepEqual(
          template(typed),
          template(deployed.factory),
          `after step ${n}, the typed file synthesizes another template than the solution deploys`,
        );
      }
    });
  }

  test('every file a learner has after a step type-checks', () => {
    assert.ok(typedFiles.length > 0, 'no lab with a stack was checked');
    assert.deepEqual(typeErrors(typedFiles), []);
  });
});
