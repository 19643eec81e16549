import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../engine/paths.ts';
import mermaidImages, {
  COLOUR_MODES,
  type ColourMode,
  DIAGRAMS_DIR,
  DiagramError,
  diagramDescription,
  diagramKey,
  docsDiagrams,
  drawingFile,
  drawingSize,
  mermaidBlocks,
} from './mermaid-images.ts';

const MODES = Object.keys(COLOUR_MODES) as ColourMode[];
const DIAGRAM = 'flowchart LR\n  accTitle: A topic\n  accDescr: A publisher sends to a topic.\n  P[Publisher] --> T{{Topic}}';

test('every mermaid diagram of the docs is drawn, light and dark, as it reads now, and says in words what it shows', () => {
  const diagrams = docsDiagrams(PROJECT_ROOT);
  assert.ok(diagrams.length >= 8, `the labs' pages have their diagrams (found ${diagrams.length})`);
  const drawn = new Set(readdirSync(join(PROJECT_ROOT, DIAGRAMS_DIR)));
  for (const { file, source } of diagrams) {
    assert.doesNotThrow(
      () => diagramDescription(source),
      `${file}: the diagram starting "${source.split('\n')[0]}" has no accTitle/accDescr`,
    );
    for (const mode of MODES) {
      const name = drawingFile(diagramKey(source), mode);
      assert.ok(
        drawn.has(name),
        `${file}: the diagram starting "${source.split('\n')[0]}" is not drawn as it reads now: run npm run diagrams`,
      );
      const svg = readFileSync(join(PROJECT_ROOT, DIAGRAMS_DIR, name), 'utf8');
      assert.ok(drawingSize(svg), `${name} has its size`);
      assert.doesNotMatch(svg, /<br>/, `${name} is well-formed XML, as an image must be`);
    }
  }
  const used = new Set(diagrams.flatMap(({ source }) => MODES.map((mode) => drawingFile(diagramKey(source), mode))));
  assert.deepEqual(
    [...drawn].filter((name) => !used.has(name)),
    [],
    'no drawing is left that no diagram uses (npm run diagrams removes them)',
  );
});

test('a mermaid block is read as a Markdown parser reads it', () => {
  const page = `# Page\n\n\`\`\`mermaid\n${DIAGRAM}\n\`\`\`\n\nText.\n\n\`\`\`ts\nconst x = 1;\n\`\`\`\n`;
  assert.deepEqual(mermaidBlocks(page), [DIAGRAM]);
});

test("a diagram's text alternative comes from its accTitle and accDescr, and a diagram without them is refused", () => {
  assert.equal(diagramDescription(DIAGRAM), 'A topic. A publisher sends to a topic.');
  assert.equal(
    diagramDescription('sequenceDiagram\n  accTitle: Two services\n  accDescr {\n    One calls\n    the other.\n  }\n  A->>B: hi'),
    'Two services. One calls the other.',
  );
  assert.throws(
    () => diagramDescription('flowchart LR\n  A --> B'),
    (e: Error) => e instanceof DiagramError && /accTitle/.test(e.message),
  );
});

test('the remark plugin puts the light and dark drawings in place of the block, and fails the build on a diagram not drawn', () => {
  const site = mkdtempSync(join(tmpdir(), 'mermaid-images-'));
  try {
    const dir = join(site, DIAGRAMS_DIR);
    mkdirSync(dir, { recursive: true });
    for (const mode of MODES)
      writeFileSync(join(dir, drawingFile(diagramKey(DIAGRAM), mode)), '<svg width="320.4" height="100" viewBox="0 0 320.4 100"></svg>\n');
    const transform = mermaidImages({ siteDir: site, baseUrl: '/workshop/' });
    const code = { type: 'code', lang: 'ts', value: 'const x = 1;' };
    const tree = { type: 'root', children: [{ type: 'code', lang: 'mermaid', value: DIAGRAM }, code] };
    transform(tree);
    const [figure, kept] = tree.children as any[];
    assert.equal(kept, code, 'other code blocks stay as they are');
    assert.equal(figure.type, 'mdxJsxFlowElement');
    const images = figure.children.map((image: any) => Object.fromEntries(image.attributes.map((a: any) => [a.name, a.value])));
    assert.deepEqual(
      images.map((i: Record<string, string>) => [i.className, i.src, i.alt, i.width, i.height]),
      MODES.map((mode) => [
        `mermaid-diagram__${mode}`,
        `/workshop/img/diagrams/${diagramKey(DIAGRAM)}.${mode}.svg`,
        'A topic. A publisher sends to a topic.',
        '320',
        '100',
      ]),
    );

    const changed = { type: 'root', children: [{ type: 'code', lang: 'mermaid', value: `${DIAGRAM}\n  T --> Q[(Queue)]` }] };
    assert.throws(
      () => transform(changed),
      (e: Error) => e instanceof DiagramError && /npm run diagrams/.test(e.message),
    );
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
});
