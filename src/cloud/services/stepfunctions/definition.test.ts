import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDefinition } from './definition.ts';

const PASS = JSON.stringify({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { ok: true }, End: true } } });

test('a definition accepted once builds again (without validating twice) and still runs', async () => {
  for (let i = 0; i < 2; i++) {
    const { machine } = parseDefinition(PASS);
    assert.deepEqual(await machine.run({}).result, { ok: true });
  }
});

test('a definition refused is refused every time it is sent', () => {
  const broken = JSON.stringify({ StartAt: 'Missing', States: { Hello: { Type: 'Pass', End: true } } });
  for (let i = 0; i < 2; i++) assert.throws(() => parseDefinition(broken), { code: 'InvalidDefinition' });
});
