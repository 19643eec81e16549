import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../engine/paths.ts';
import { buildIndex, search } from '../theme/SearchBar/search.utils.ts';
import { labSidebarCategory } from './lab-sidebar.ts';
import { searchDocuments } from './local-search.ts';

const DOCS = join(PROJECT_ROOT, 'docs');

test('every section of every page is searchable, with the anchor Docusaurus gives its heading', () => {
  const documents = searchDocuments(DOCS);
  const step = documents.find((d) => d.heading === 'Step 4: Filter extraordinary rides');
  assert.ok(step, 'Lab 1 step 4 is indexed');
  assert.equal(step.path, '/lab-1-fan-out');
  assert.equal(step.anchor, 'step-4-filter-extraordinary-rides');
  assert.doesNotMatch(documents.map((d) => d.text).join('\n'), /^import |<Deploy /m, 'imports and widgets are not text');
});

test('a search finds the section that talks about it, headings first', () => {
  const index = buildIndex(searchDocuments(DOCS));
  // A heading's words put its section first, ahead of sections that only mention them.
  assert.equal(search(index, 'hello through a queue')[0].href, '/lab-0-setup#step-2-say-hello-through-a-queue');
  const [first] = search(index, 'visibility timeout');
  assert.match(first.excerpt, /visibility timeout/i);
  assert.equal(search(index, 'filter polic')[0].href.split('#')[0], '/lab-1-fan-out', 'prefixes match');
  assert.deepEqual(search(index, 'zzzqqq'), []);
});

test('the sidebar lists each lab with its steps, linked to their headings', () => {
  const category = labSidebarCategory(DOCS, 'lab-1-fan-out');
  assert.equal(category.customProps.lab, 'lab-1');
  assert.deepEqual(category.items[3], {
    type: 'link',
    label: 'Step 4: Filter extraordinary rides',
    href: '/lab-1-fan-out#step-4-filter-extraordinary-rides',
    customProps: { lab: 'lab-1', step: 4 },
  });
});

test('identifiers keep their underscores; emphasis loses its marks', async () => {
  const { readDocPage } = await import('./doc-headings.ts');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'docs-'));
  try {
    writeFileSync(
      join(dir, 'page.md'),
      '---\ntitle: A page\nslug: /a-page\n---\n\n## Set *TOPIC_ARN* on **the** function\n\nIt reads _process.env.TOPIC_ARN_.\n',
    );
    const page = readDocPage(dir, 'page.md');
    assert.equal(page.path, '/a-page');
    assert.equal(page.sections[0].heading, 'Set TOPIC_ARN on the function');
    assert.equal(page.sections[0].anchor, 'set-topic_arn-on-the-function');
    assert.match(page.sections[0].text, /process\.env\.TOPIC_ARN/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
