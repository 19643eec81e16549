import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ndjsonSplitter } from './ndjson.ts';

test('parses events as lines complete, joining lines split across chunks', () => {
  const events: unknown[] = [];
  const splitter = ndjsonSplitter((event) => events.push(event));
  splitter.push('{"type":"progress","message":"a"}\n{"type":"out');
  assert.equal(events.length, 1);
  splitter.push('put","line":"b"}\n');
  splitter.push('{"type":"done","ok":true}');
  assert.equal(events.length, 2);
  splitter.end();
  assert.deepEqual(events, [
    { type: 'progress', message: 'a' },
    { type: 'output', line: 'b' },
    { type: 'done', ok: true },
  ]);
});
