import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Highlight as PackageHighlight, themes } from 'prism-react-renderer';
import { createElement, type ReactElement } from 'react';
import { PROJECT_ROOT } from '../../engine/paths.ts';
import { readableTheme } from '../../plugins/prism-contrast.ts';
import { Highlight, type RenderProps } from './index.ts';

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

const labSource = readFileSync(join(PROJECT_ROOT, 'labs', 'lab-1-fan-out', 'solution', 'stack.ts'), 'utf8');

test('a lab stack in TypeScript renders exactly as prism-react-renderer renders it, in both themes', () => {
  for (const theme of [readableTheme(themes.github), readableTheme(themes.dracula)])
    for (const language of ['ts', 'tsx', 'typescript'])
      assert.equal(markup(Highlight, labSource, language, theme), markup(PackageHighlight, labSource, language, theme));
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
