import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sidebars from '../sidebars.ts';
import { buildApp } from '../src/engine/deploy/synth.ts';
import { PROJECT_ROOT } from '../src/engine/paths.ts';
import { labFolders, loadLab } from '../src/engine/registry.ts';
import { loadStack } from '../src/engine/stack-source.ts';

const page = (folder: string) => join(PROJECT_ROOT, 'docs', folder, 'index.mdx');

test('every lab has a page and a sidebar entry', () => {
  const entries = JSON.stringify(sidebars);
  for (const folder of labFolders()) {
    assert.ok(existsSync(page(folder)), `labs/${folder} has no page: add docs/${folder}/index.mdx`);
    assert.ok(
      entries.includes(`${folder}/index`),
      `docs/${folder}/index.mdx is not in the sidebar: add '${folder}' to LAB_PAGES in sidebars.ts`,
    );
  }
});

test('each page imports the widgets it shows, and so loads those and no others', () => {
  const widgets = readdirSync(join(PROJECT_ROOT, 'src', 'components')).filter((name) => /^[A-Z]/.test(name));
  for (const folder of labFolders()) {
    const text = readFileSync(page(folder), 'utf8');
    for (const widget of widgets.filter((name) => new RegExp(`<${name}[\\s/>]`).test(text)))
      assert.ok(
        text.includes(`import ${widget} from '@site/src/components/${widget}';`),
        `docs/${folder} shows <${widget}>: add import ${widget} from '@site/src/components/${widget}'; under its other imports`,
      );
  }
});

test("the widgets on each page name the page's lab and snippets that exist", async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    const text = readFileSync(page(folder), 'utf8');
    for (const match of text.matchAll(/<(Deploy|Run|Checkpoints|StepCode|Architecture|Cost)\s+lab="([^"]+)"(?:\s+snippet="([^"]+)")?/g)) {
      const [, widget, labId, snippet] = match;
      assert.equal(labId, lab.id, `docs/${folder}: <${widget} lab="${labId}"> should name ${lab.id}`);
      if (snippet)
        assert.ok(
          lab.snippets.some((s) => s.name === snippet),
          `docs/${folder}: <Run snippet="${snippet}"> names no snippet of ${lab.id} (it has ${lab.snippets.map((s) => s.name).join(', ')})`,
        );
    }
    for (const match of text.matchAll(/<Checkpoints lab="[^"]+" step=\{(\d+)\}/g)) {
      assert.ok(
        lab.checkpoints.some((c) => c.step === Number(match[1])),
        `docs/${folder}: <Checkpoints step={${match[1]}}> has no checkpoint`,
      );
    }
  }
});

test('every snippet a lab declares exists as the file the page shows', async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    for (const snippet of lab.snippets)
      assert.ok(
        existsSync(join(PROJECT_ROOT, 'labs', folder, snippet.source)),
        `${lab.id}: snippet ${snippet.name} points at a missing file ${snippet.source}`,
      );
  }
});

test("each lab page has one heading per step of its lab.ts, with the step's title", async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    const headings = [...readFileSync(page(folder), 'utf8').matchAll(/^## Step (\d+): (.+)$/gm)].map(([, n, title]) => `${n}: ${title}`);
    const expected = lab.steps.map((step) => `${step.n}: ${step.title}`);
    assert.deepEqual(
      headings,
      expected,
      `docs/${folder}: the "## Step N: <title>" headings must be the steps of labs/${folder}/lab.ts, in order`,
    );
  }
});

test('each step of a lab with a stack shows the code the learner types, and the page has the parts every lab has', async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    if (!lab.stack) continue;
    const text = readFileSync(page(folder), 'utf8');
    for (const { n } of lab.steps) {
      assert.match(
        text,
        new RegExp(`<StepCode lab="${lab.id}" step=\\{${n}\\} file="labs/${folder}/stack\\.ts"`),
        `docs/${folder}: step ${n} has no <StepCode lab="${lab.id}" step={${n}} file="labs/${folder}/stack.ts" />`,
      );
    }
    assert.doesNotMatch(text, /props\.step/, `docs/${folder}: a learner never reads props.step`);
    assert.match(text, /```mermaid/, `docs/${folder}: the architecture diagram (a mermaid flowchart) is missing`);
    for (const section of ['What to observe', 'Clean up', 'On AWS', 'Going further']) {
      assert.match(text, new RegExp(`^## ${section}$`, 'm'), `docs/${folder}: the "## ${section}" section is missing`);
    }
  }
});

test('every lab with a stack runs the step-by-step test against the local cloud', async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    if (!lab.stack) continue;
    const file = join(PROJECT_ROOT, 'labs', folder, 'steps.test.ts');
    assert.ok(
      existsSync(file) && new RegExp(`testLabSteps\\('${lab.id}'[,)]`).test(readFileSync(file, 'utf8')),
      `labs/${folder}/steps.test.ts must call testLabSteps('${lab.id}') (with options, if it needs them)`,
    );
  }
});

test('every lab has facilitator notes for instructors', () => {
  for (const folder of labFolders()) {
    assert.ok(
      existsSync(join(PROJECT_ROOT, 'labs', folder, 'instructor.md')),
      `labs/${folder}/instructor.md is missing: timing, usual mistakes and questions for the room (the class dashboard shows them to instructors)`,
    );
  }
});

test('a snippet that runs until stopped (a worker) has Start and Stop on its page, and only such a snippet', async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    const text = readFileSync(page(folder), 'utf8');
    for (const match of text.matchAll(/<Run\s+lab="[^"]+"\s+snippet="([^"]+)"([^>]*)\/>/g)) {
      const snippet = lab.snippets.find((s) => s.name === match[1]);
      const marked = /\buntilStopped\b/.test(match[2]);
      assert.equal(
        marked,
        Boolean(snippet?.untilStopped),
        `docs/${folder}: <Run snippet="${match[1]}"> ${snippet?.untilStopped ? 'runs until stopped: add untilStopped so the page shows Stop' : 'ends by itself: remove untilStopped'}`,
      );
    }
  }
});

test('every lab with a stack shows it live: its architecture, charts of its metrics and its cost', async () => {
  for (const folder of labFolders()) {
    const lab = await loadLab(folder);
    if (!lab.stack) continue;
    const text = readFileSync(page(folder), 'utf8');
    for (const widget of ['Architecture', 'Metrics', 'Cost'])
      assert.match(text, new RegExp(`<${widget}\\s+lab="${lab.id}"`), `docs/${folder}: <${widget} lab="${lab.id}" … /> is missing`);
  }
});

test("every chart line names an output of the lab's solution stack", async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'workshop-content-'));
  try {
    for (const folder of labFolders()) {
      const lab = await loadLab(folder);
      const text = readFileSync(page(folder), 'utf8');
      const named = [...text.matchAll(/<Metrics[\s\S]*?\/>/g)].flatMap(([chart]) =>
        [...chart.matchAll(/output: (\[[^\]]*\]|'[^']*')/g)].flatMap(([, value]) =>
          [...value.matchAll(/'([^']+)'/g)].map(([, name]) => name),
        ),
      );
      if (named.length === 0) continue;
      assert.ok(lab.stack, `docs/${folder}: a chart reads stack outputs, but ${lab.id} has no stack`);
      // The template alone, without bundling the functions' code: only its outputs are read.
      const stack = await loadStack(lab, { solution: true, step: Number.POSITIVE_INFINITY });
      const app = buildApp(lab, { kind: 'local', endpoint: 'http://localhost:4566', region: 'us-east-1', prefix: 'content' }, stack, {
        outdir: join(outdir, lab.id),
        context: { 'aws:cdk:bundling-stacks': [] },
      });
      const outputs = Object.keys(app.synth().stacks[0].template.Outputs ?? {});
      for (const name of new Set(named))
        assert.ok(
          outputs.includes(name),
          `docs/${folder}: a <Metrics> line reads the output ${name}, which the solution of ${lab.id} does not declare (it has ${outputs.join(', ')})`,
        );
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
