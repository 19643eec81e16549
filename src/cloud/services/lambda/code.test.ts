import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { handlerZip } from '../../testing/lambda-zip.ts';
import { prepareCode } from './code.ts';

test('function code runs as CommonJS even inside an ES module project', async () => {
  const project = mkdtempSync(join(tmpdir(), 'esm-project-'));
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }');
  const root = join(project, '.workshop', 'lambda-code');
  mkdirSync(root, { recursive: true });
  const code = await prepareCode({ ZipFile: Buffer.from(handlerZip('module.exports.answer = 42;')).toString('base64') }, root, async () =>
    Buffer.alloc(0),
  );
  assert.equal(readFileSync(join(code.dir, 'index.js'), 'utf8'), 'module.exports.answer = 42;');
  const answer = execFileSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(join(code.dir, 'index.js'))}).answer)`], {
    encoding: 'utf8',
  });
  assert.equal(answer.trim(), '42');
});

test('a zip that is not a zip is refused as AWS refuses it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'code-'));
  await assert.rejects(
    prepareCode({ ZipFile: Buffer.from('not a zip').toString('base64') }, root, async () => Buffer.alloc(0)),
    /Could not unzip uploaded file/,
  );
});
