import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Highlight as PackageHighlight, Prism as PackagePrism, themes } from 'prism-react-renderer';
import { createElement, type ReactElement } from 'react';
import { highlightedCode, visibleRows } from '../../components/StepCode/step-code.utils.ts';
import { stepView } from '../../components/StepCode/step-view.ts';
import { PROJECT_ROOT } from '../../engine/paths.ts';
import { readableTheme } from '../../plugins/prism-contrast.ts';
import { solutionOf } from '../../plugins/step-code-views.ts';
import { Highlight, Prism, type RenderProps } from './index.ts';

// The way Docusaurus's code block draws lines and tokens, with a class and a style of its own on
// each, so that every prop the highlighter hands out shows in the markup.
const draw = ({ className, style, tokens, getLineProps, getTokenProps }: RenderProps): ReactElement =>
  createElement(
    'pre',
    { className, style },
    tokens.map((line, i) =>
      createElement(
        'div',
        { key: i, ...getLineProps({ line, className: 'line', style: { margin: 0 } }) },
        line.map((token, j) => createElement('span', { key: j, ...getTokenProps({ token, className: i % 2 ? 'odd' : undefined }) })),
      ),
    ),
  );

// react-dom ships no types of its own, and the project has no use for them elsewhere.
const server: string = 'react-dom/server';
const { renderToStaticMarkup } = (await import(server)) as { renderToStaticMarkup: (element: ReactElement) => string };

const markup = (component: unknown, code: string, language: string, theme = readableTheme(themes.github)) =>
  renderToStaticMarkup(
    createElement(component as (props: Record<string, unknown>) => ReactElement, { code, language, theme }, draw as never),
  );

// Docusaurus adds docusaurus.config.ts's additionalLanguages to the package's Prism as below.
const require = createRequire(import.meta.url);
for (const language of ['bash', 'json']) {
  const grammar = require.resolve(`prismjs/components/prism-${language}`);
  const scope = globalThis as { Prism?: unknown };
  const before = scope.Prism;
  scope.Prism = PackagePrism;
  delete require.cache[grammar];
  require(grammar);
  scope.Prism = before;
}

/**
 * The code the lab pages show: the files imported with raw-loader, and each step's code view
 * (computed by the build from the lab's solution), with its folds closed and open.
 */
const shownCode = () => {
  const shown = new Map<string, string>();
  for (const page of globSync('docs/**/*.mdx', { cwd: PROJECT_ROOT })) {
    const text = readFileSync(join(PROJECT_ROOT, page), 'utf8');
    for (const [, file] of text.matchAll(/raw-loader!@site\/([^'"]+)/g)) shown.set(file, readFileSync(join(PROJECT_ROOT, file), 'utf8'));
    for (const [, step, file] of text.matchAll(/<StepCode [^>]*step=\{(\d+)\} file="([^"]+)"/g)) {
      const { rows } = stepView(readFileSync(join(PROJECT_ROOT, solutionOf(file)), 'utf8'), Number(step));
      shown.set(`${file} step ${step}`, highlightedCode(visibleRows(rows, new Set())));
      shown.set(`${file} step ${step}, unfolded`, highlightedCode(visibleRows(rows, 'all')));
    }
  }
  return shown;
};

test('all the code a lab page shows renders exactly as prism-react-renderer renders it, as ts and tsx, in both themes', () => {
  const shown = shownCode();
  assert.ok(shown.size > 100, `only ${shown.size} files and step views shown`);
  assert.ok(
    [...shown.keys()].some((name) => name.endsWith('step 1')),
    'the step code views are among them',
  );
  for (const [file, source] of shown) {
    for (const theme of [readableTheme(themes.github), readableTheme(themes.dracula)])
      for (const language of ['ts', 'tsx'])
        assert.equal(
          markup(Highlight, source, language, theme),
          markup(PackageHighlight, source, language, theme),
          `${file} as ${language}`,
        );
  }
});

test('shell commands and JSON render as prism-react-renderer renders them with the additional languages of the config', () => {
  assert.ok(Prism.languages.bash && Prism.languages.json);
  const shell =
    'npx workshop deploy lab-1 --step 3 --solution\nexport AWS_REGION=us-east-1 # a comment\naws sqs receive-message --queue-url "$URL" | jq .';
  assert.equal(markup(Highlight, shell, 'bash'), markup(PackageHighlight, shell, 'bash'));
  const json = '{ "id": "ride-1", "fare": 60, "tags": ["long", null, true] }';
  assert.equal(markup(Highlight, json, 'json'), markup(PackageHighlight, json, 'json'));
});

test('TSX with markup, empty lines and nested tokens renders as the package renders it', () => {
  const code = 'const a = <div className="x">{`t ${1 + 2}`}</div>;\n\n\n// done\r\nexport type T = { a?: string };\n';
  assert.equal(markup(Highlight, code, 'tsx'), markup(PackageHighlight, code, 'tsx'));
});

test('a language without a grammar is plain text, line by line', () => {
  const code = 'npx workshop deploy lab-1\n\nnext';
  assert.equal(markup(Highlight, code, 'text'), markup(PackageHighlight, code, 'text'));
  assert.match(markup(Highlight, code, 'text'), /class="token plain"/);
});

test('TypeScript is really highlighted: keywords and strings get their token classes and colours', () => {
  const html = markup(Highlight, "const name = 'unicorn';", 'ts');
  assert.match(html, /class="token keyword"[^>]*>const</);
  assert.match(html, /class="token string"[^>]*style="color:[^"]+"[^>]*>&#x27;unicorn&#x27;</);
});
