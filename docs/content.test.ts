import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sidebars from '../sidebars.ts';
import { labFolders, loadLab } from '../src/engine/registry.ts';
import { PROJECT_ROOT } from '../src/engine/paths.ts';

const page = (folder: string) => join(PROJECT_ROOT, 'docs', folder, 'index.mdx');

test('every lab has a page and a sidebar entry', () => {
  const entries = JSON.stringify(sidebars);
  for (const folder of labFolders()) {
    assert.ok(existsSync(page(folder)), `labs/${folder} has no page: add docs/${folder}/index.mdx`);
    assert.ok(entries.includes(`${folder}/index`), `docs/${folder}/index.mdx is not in sidebars.ts: add '${folder}/index' to the labs sidebar`);
  }
});

test("the widgets on each page name the page's lab and snippets that exist", async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    const text = readFileSync(page(folder), 'utf8');
    for (const match of text.matchAll(/<(Deploy|Run|Checkpoints)\s+lab="([^"]+)"(?:\s+snippet="([^"]+)")?/g)) {
      const [, widget, labId, snippet] = match;
      assert.equal(labId, lab.id, `docs/${folder}: <${widget} lab="${labId}"> should name ${lab.id}`);
      if (snippet) assert.ok(lab.snippets.some((s) => s.name === snippet), `docs/${folder}: <Run snippet="${snippet}"> names no snippet of ${lab.id} (it has ${lab.snippets.map((s) => s.name).join(', ')})`);
    }
    for (const match of text.matchAll(/<Checkpoints lab="[^"]+" step=\{(\d+)\}/g)) {
      assert.ok(lab.checkpoints.some((c) => c.step === Number(match[1])), `docs/${folder}: <Checkpoints step={${match[1]}}> has no checkpoint`);
    }
  }
});

test('every snippet a lab declares exists as the file the page shows', async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    for (const snippet of lab.snippets) assert.ok(existsSync(join(PROJECT_ROOT, 'labs', folder, snippet.source)), `${lab.id}: snippet ${snippet.name} points at a missing file ${snippet.source}`);
  }
});
