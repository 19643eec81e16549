import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
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

test('functions deployed at once with the same code each get it whole', async () => {
  // Two stacks sharing a function's code (Lab 1 and Lab 2 deployed side by side) extract the same zip
  // at the same moment; one extraction must not pull the folder from under the other.
  const root = mkdtempSync(join(tmpdir(), 'code-'));
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 40; i++) files[`lib/part-${i % 5}/module-${i}.js`] = strToU8(`module.exports = ${i};`);
  files['index.js'] = strToU8('module.exports.handler = async () => 1;');
  const zip = Buffer.from(zipSync(files)).toString('base64');
  const codes = await Promise.all(Array.from({ length: 8 }, () => prepareCode({ ZipFile: zip }, root, async () => Buffer.alloc(0))));
  assert.equal(new Set(codes.map((code) => code.dir)).size, 1);
  for (let i = 0; i < 40; i++)
    assert.equal(readFileSync(join(codes[0].dir, `lib/part-${i % 5}/module-${i}.js`), 'utf8'), `module.exports = ${i};`);
  assert.deepEqual(readdirSync(root).sort(), [basename(codes[0].dir), 'package.json'].sort(), 'no staging folder is left behind');
});
