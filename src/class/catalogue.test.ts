import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../engine/paths.ts';
import { LABS_DIR, labFolders } from '../engine/registry.ts';
import { parseNotes } from '../lib/notes.ts';
import { notesFile } from './catalogue.ts';

const SECTIONS = ['Timing', 'Usual mistakes', 'Questions for the room'];

test('facilitator notes follow the convention: Timing, Usual mistakes, Questions for the room', () => {
  const withNotes = labFolders().filter((folder) => existsSync(notesFile(LABS_DIR, folder)));
  assert.ok(withNotes.includes('lab-0-setup') && withNotes.includes('lab-1-fan-out'), 'Labs 0 and 1 have notes');
  for (const folder of withNotes) {
    const blocks = parseNotes(readFileSync(notesFile(LABS_DIR, folder), 'utf8'));
    const sections = blocks.flatMap((b) =>
      b.kind === 'heading' && b.level === 2 ? [b.text.map((t) => (t.kind === 'text' ? t.text : '')).join('')] : [],
    );
    assert.deepEqual(
      sections,
      SECTIONS,
      `labs/${folder}/instructor.md should have the sections ${SECTIONS.join(', ')} (## headings), in that order`,
    );
    assert.ok(blocks.filter((b) => b.kind === 'list').length >= 3, `labs/${folder}/instructor.md: each section lists its points`);
  }
});

test('facilitator notes never reach learner pages', () => {
  const pages = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      // Tests are not shipped to learners (docs/content.test.ts checks that every lab has notes).
      entry.isDirectory()
        ? pages(join(folder, entry.name))
        : /\.(mdx?|tsx?)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
          ? [join(folder, entry.name)]
          : [],
    );
  for (const file of [
    ...pages(join(PROJECT_ROOT, 'docs')),
    ...pages(join(PROJECT_ROOT, 'src', 'components')),
    ...pages(join(PROJECT_ROOT, 'src', 'theme')),
  ]) {
    assert.doesNotMatch(
      readFileSync(file, 'utf8'),
      /instructor\.md/,
      `${file} imports facilitator notes; they are for the instructor's dashboard only (the class server serves them with the instructor token)`,
    );
  }
});
