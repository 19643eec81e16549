// What the site's code blocks use of prism-react-renderer (`Highlight`, `Prism`), over the slim
// Prism in ./prism. The site's webpack settings put this module in that package's place in the
// bundles, so Docusaurus's code blocks and the lab widgets render exactly as before without the
// grammars and themes no page uses.
import type { Token as PrismToken } from 'prismjs';
import type { CSSProperties, ReactElement } from 'react';
import { createElement, useMemo } from 'react';
import Prism from './prism';

export { Prism };

export type Token = { types: string[]; content: string; empty?: boolean };

type StyleEntry = { types: string[]; style: CSSProperties; languages?: string[] };
export type PrismTheme = { plain: CSSProperties; styles: StyleEntry[] };
type ThemeDictionary = Record<string, CSSProperties>;

type LineInputProps = { line: Token[]; className?: string; style?: CSSProperties; [other: string]: unknown };
type TokenInputProps = { token: Token; className?: string; style?: CSSProperties; [other: string]: unknown };
type LineOutputProps = { className: string; style?: CSSProperties; [other: string]: unknown };
type TokenOutputProps = { className: string; style?: CSSProperties; children: string; [other: string]: unknown };

export type RenderProps = {
  tokens: Token[][];
  className: string;
  style: CSSProperties;
  getLineProps: (input: LineInputProps) => LineOutputProps;
  getTokenProps: (input: TokenInputProps) => TokenOutputProps;
};

type HighlightProps = {
  code: string;
  language: string;
  theme?: PrismTheme;
  prism?: typeof Prism;
  children: (props: RenderProps) => ReactElement;
};

const classes = (...names: (string | undefined)[]) => names.filter(Boolean).join(' ');

/** The theme's styles by token type, for one language; `root` is the block's, `plain` a line's. */
export function themeDictionary(theme: PrismTheme, language: string): ThemeDictionary {
  const dictionary: ThemeDictionary = {};
  for (const entry of theme.styles) {
    if (entry.languages && !entry.languages.includes(language)) continue;
    for (const type of entry.types) dictionary[type] = { ...dictionary[type], ...entry.style };
  }
  dictionary.root = theme.plain;
  dictionary.plain = { ...theme.plain, backgroundColor: undefined };
  return dictionary;
}

/** The types of a token inside another: its own added, unless the same as the innermost. */
const withType = (types: string[], type: string | string[] | null | undefined) =>
  !type || types.at(-1) === type ? types : types.concat(type);

/**
 * Prism's nested tokens as lines of flat tokens, each with the types of every token it sits in
 * (a string at the top level is `plain`). An empty line holds one empty token that keeps its height.
 */
export function tokenLines(tokens: (string | PrismToken)[]): Token[][] {
  const lines: Token[][] = [[]];
  const closeLine = (line: Token[]) => {
    if (line.length === 0) line.push({ types: ['plain'], content: '\n', empty: true });
    else if (line.length === 1 && line[0].content === '') Object.assign(line[0], { content: '\n', empty: true });
  };
  const visit = (list: (string | PrismToken)[], outer: string[]) => {
    for (const token of list) {
      let types = outer.length === 0 ? ['plain'] : outer;
      let content: string | PrismToken | (string | PrismToken)[];
      if (typeof token === 'string') content = token;
      else {
        types = withType(withType(outer, token.type), token.alias);
        content = token.content;
      }
      if (typeof content !== 'string') {
        visit(Array.isArray(content) ? content : [content], types);
        continue;
      }
      const [first, ...rest] = content.split(/\r\n|\r|\n/);
      lines.at(-1)!.push({ types, content: first });
      for (const part of rest) {
        closeLine(lines.at(-1)!);
        lines.push([{ types, content: part }]);
      }
    }
  };
  visit(tokens, []);
  closeLine(lines.at(-1)!);
  return lines;
}

function tokenize(prism: typeof Prism, code: string, language: string): Token[][] {
  const grammar = prism.languages[language];
  if (grammar == null) return tokenLines([code]);
  const env = { code, grammar, language, tokens: [] as (string | PrismToken)[] };
  prism.hooks.run('before-tokenize', env);
  env.tokens = prism.tokenize(env.code, env.grammar);
  prism.hooks.run('after-tokenize', env);
  return tokenLines(env.tokens);
}

function tokenStyle(dictionary: ThemeDictionary, { types, empty }: Token): CSSProperties | undefined {
  if (types.length === 1 && types[0] === 'plain') return empty ? { display: 'inline-block' } : undefined;
  if (types.length === 1 && empty) return dictionary[types[0]];
  return Object.assign(empty ? { display: 'inline-block' } : {}, ...types.map((type) => dictionary[type]));
}

function HighlightBlock({ code, language: given, theme, prism = Prism, children }: HighlightProps & { theme: PrismTheme }) {
  const language = given.toLowerCase();
  const dictionary = useMemo(() => themeDictionary(theme, language), [theme, language]);
  const tokens = useMemo(() => tokenize(prism, code, language), [prism, code, language]);
  const render = useMemo(
    () => ({
      getLineProps: ({ className, style, line: _line, ...rest }: LineInputProps): LineOutputProps => ({
        ...rest,
        className: classes('token-line', className),
        style: style ? { ...dictionary.plain, ...style } : dictionary.plain,
      }),
      getTokenProps: ({ token, className, style, ...rest }: TokenInputProps): TokenOutputProps => {
        const own = tokenStyle(dictionary, token);
        return {
          ...rest,
          className: classes('token', ...token.types, className),
          children: token.content,
          style: style ? { ...own, ...style } : own,
        };
      },
    }),
    [dictionary],
  );
  return children({ tokens, className: `prism-code language-${language}`, style: dictionary.root, ...render });
}

const NO_THEME: PrismTheme = { plain: {}, styles: [] };

/** prism-react-renderer's `Highlight`: tokens by line, and the props that colour them. */
export function Highlight(props: HighlightProps) {
  return createElement(HighlightBlock, { ...props, theme: props.theme ?? NO_THEME });
}
