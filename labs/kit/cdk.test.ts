import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { handlerSources, sourceHash } from './cdk.ts';

test("a handler's hash covers the files it imports in other folders, and not its neighbours it does not import", () => {
  const root = mkdtempSync(join(tmpdir(), 'handler-'));
  mkdirSync(join(root, 'lab-2', 'functions'), { recursive: true });
  mkdirSync(join(root, 'lab-1', 'functions'), { recursive: true });
  const entry = join(root, 'lab-2', 'functions', 'consumer.ts');
  const shared = join(root, 'lab-1', 'functions', 'shared.ts');
  writeFileSync(
    entry,
    "import { doOnce } from '../../lab-1/functions/shared.ts';\nimport type { Ride } from './types.ts';\nexport const handler = doOnce;\n",
  );
  writeFileSync(join(root, 'lab-2', 'functions', 'types.ts'), 'export interface Ride { id: string }\n');
  writeFileSync(join(root, 'lab-2', 'functions', 'other-handler.ts'), 'export const handler = 1;\n');
  writeFileSync(shared, 'export const doOnce = () => 1;\n');

  assert.deepEqual(
    handlerSources(entry)
      .map((file) => file.slice(root.length))
      .sort(),
    ['/lab-1/functions/shared.ts', '/lab-2/functions/consumer.ts', '/lab-2/functions/types.ts'],
  );
  const before = sourceHash(entry);
  writeFileSync(join(root, 'lab-2', 'functions', 'other-handler.ts'), 'export const handler = 2;\n');
  assert.equal(sourceHash(entry), before, 'a file the handler does not import changes nothing');
  writeFileSync(shared, 'export const doOnce = () => 2;\n');
  assert.notEqual(sourceHash(entry), before, 'an imported file of another lab changes the hash');
});
