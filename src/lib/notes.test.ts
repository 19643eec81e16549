import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInline, parseNotes } from './notes.ts';

test('reads headings, paragraphs and lists, with continuation lines', () => {
  const blocks = parseNotes(
    '# Lab 1\n\n## Timing\n\nAbout 45 minutes,\nin two parts.\n\n- step 1: 5 min\n- step 3: 15 min,\n  the longest\n\n1. first\n2. second\n',
  );
  assert.deepEqual(
    blocks.map((b) => b.kind),
    ['heading', 'heading', 'paragraph', 'list', 'list'],
  );
  assert.deepEqual(blocks[2], { kind: 'paragraph', text: [{ kind: 'text', text: 'About 45 minutes, in two parts.' }] });
  assert.deepEqual(blocks[3], {
    kind: 'list',
    ordered: false,
    items: [[{ kind: 'text', text: 'step 1: 5 min' }], [{ kind: 'text', text: 'step 3: 15 min, the longest' }]],
  });
  assert.equal(blocks[4].kind === 'list' && blocks[4].ordered, true);
});

test('inline code, bold and emphasis; markup is text, never HTML', () => {
  assert.deepEqual(parseInline('Run `npx workshop verify lab-1` **now**, *then* _wait_ <b>x</b> snake_case_name'), [
    { kind: 'text', text: 'Run ' },
    { kind: 'code', text: 'npx workshop verify lab-1' },
    { kind: 'text', text: ' ' },
    { kind: 'strong', children: [{ kind: 'text', text: 'now' }] },
    { kind: 'text', text: ', ' },
    { kind: 'em', children: [{ kind: 'text', text: 'then' }] },
    { kind: 'text', text: ' ' },
    { kind: 'em', children: [{ kind: 'text', text: 'wait' }] },
    { kind: 'text', text: ' <b>x</b> snake_case_name' },
  ]);
  assert.deepEqual(parseInline('**`TOPIC_ARN` without the grant**'), [
    {
      kind: 'strong',
      children: [
        { kind: 'code', text: 'TOPIC_ARN' },
        { kind: 'text', text: ' without the grant' },
      ],
    },
  ]);
});
