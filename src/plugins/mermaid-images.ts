// Mermaid diagrams drawn once, when an author changes one, instead of in every reader's browser.
// Drawing them in the page took mermaid and its parser (about 300 KiB gzipped, more than React
// and Docusaurus together) into every lab page, for diagrams that never change while the site
// runs. `npm run diagrams` (scripts/render-diagrams.ts) draws each ```mermaid block of the docs
// with mermaid itself, light and dark, into static/img/diagrams/; this remark plugin puts the
// two drawings in the page in place of the block, as images, and the site's CSS shows the one
// that matches the colour mode. The block stays in the page's source, where authors edit it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where the drawings are kept, relative to the site's folder (served at /img/diagrams/). */
export const DIAGRAMS_DIR = join('static', 'img', 'diagrams');

/** The colour modes of the site, each with the mermaid theme it is drawn in. */
export const COLOUR_MODES = { light: 'default', dark: 'dark' } as const;
export type ColourMode = keyof typeof COLOUR_MODES;

/**
 * How every diagram is drawn, in both modes: in Arial's metrics (Liberation Sans on Linux has the
 * same ones), so that the boxes measured when drawing fit their text wherever the image is shown.
 */
export const RENDER_OPTIONS = {
  fontFamily: 'Arial, "Liberation Sans", Helvetica, sans-serif',
  // Mermaid draws some shapes' outlines with a random wobble: a fixed seed draws them the same way
  // every time, so that drawing a diagram again changes no file.
  handDrawnSeed: 1,
  themeCSS: {
    light: '',
    // Edge labels in dark mode: light text on the label's own dark background.
    dark: '.edgeLabel, .edgeLabel p, .labelBkg { color: #f0f0f0 !important; background-color: #2b2b33 !important; }',
  },
} as const;

/** A diagram the build cannot show: the message says what to do. */
export class DiagramError extends Error {
  override name = 'DiagramError';
}

/** The name a diagram's drawings are kept under: a digest of its source and of how it is drawn. */
export function diagramKey(source: string): string {
  return createHash('sha256').update(JSON.stringify(RENDER_OPTIONS)).update('\0').update(source).digest('hex').slice(0, 16);
}

/** The file of one drawing, in the drawings' folder. */
export const drawingFile = (key: string, mode: ColourMode) => `${key}.${mode}.svg`;

/** The source of every ```mermaid block in a Markdown or MDX text, as a Markdown parser reads it. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid[^\n]*\n([\s\S]*?)\n?^```[ \t]*$/gm)].map((match) => match[1]);
}

/** Every ```mermaid block under the site's docs folder, with the file it is in. */
export function docsDiagrams(siteDir: string): { file: string; source: string }[] {
  const found: { file: string; source: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.mdx?$/.test(name))
        for (const source of mermaidBlocks(readFileSync(path, 'utf8'))) found.push({ file: relative(siteDir, path), source });
    }
  };
  walk(join(siteDir, 'docs'));
  return found;
}

/**
 * The diagram's text alternative, from mermaid's own accessibility lines (`accTitle: …` and
 * `accDescr: …` or `accDescr { … }`), which also go into the drawing's <title> and <desc>. An
 * image needs one: a reader who cannot see it gets what it shows in words.
 */
export function diagramDescription(source: string): string {
  const title = /^\s*accTitle\s*:\s*(.+)$/m.exec(source)?.[1].trim();
  const description = (/^\s*accDescr\s*:\s*(.+)$/m.exec(source)?.[1] ?? /^\s*accDescr\s*\{([\s\S]*?)\}/m.exec(source)?.[1])
    ?.replace(/\s+/g, ' ')
    .trim();
  if (!title || !description)
    throw new DiagramError(
      `a mermaid diagram needs a text alternative: add an "accTitle: …" line and an "accDescr: …" line (or "accDescr { … }") that say what it shows. The diagram starts: ${source.split('\n').slice(0, 2).join(' / ')}`,
    );
  return `${title.replace(/[.:]$/, '')}. ${description}`;
}

/** A drawing's size in CSS pixels, from the width and height `npm run diagrams` writes on it. */
export function drawingSize(svg: string): { width: number; height: number } | undefined {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  return width > 0 && height > 0 ? { width: Math.round(width), height: Math.round(height) } : undefined;
}

type MdNode = { type: string; lang?: string | null; value?: string; children?: MdNode[]; [key: string]: unknown };

const attribute = (name: string, value: string | number) => ({ type: 'mdxJsxAttribute', name, value: String(value) });

/**
 * The remark plugin: each ```mermaid block becomes its light and dark drawings. A block with no
 * drawing (new, or changed since `npm run diagrams` last ran) fails the build with that command.
 */
export default function mermaidImages(options: { siteDir: string; baseUrl: string }) {
  const dir = join(options.siteDir, DIAGRAMS_DIR);
  const figure = (source: string): MdNode => {
    const key = diagramKey(source);
    const alt = diagramDescription(source);
    const images = (Object.keys(COLOUR_MODES) as ColourMode[]).map((mode) => {
      const path = join(dir, drawingFile(key, mode));
      if (!existsSync(path))
        throw new DiagramError(
          `a mermaid diagram has no drawing (${relative(options.siteDir, path)}): it is new, or changed since it was drawn. Run \`npm run diagrams\` to draw it, and commit what it writes. The diagram starts: ${source.split('\n')[0]}`,
        );
      const size = drawingSize(readFileSync(path, 'utf8'));
      if (!size) throw new DiagramError(`${relative(options.siteDir, path)} has no width and height: run \`npm run diagrams -- --force\`.`);
      return {
        type: 'mdxJsxFlowElement',
        name: 'img',
        attributes: [
          attribute('className', `mermaid-diagram__${mode}`),
          attribute('src', `${options.baseUrl.replace(/\/$/, '')}/img/diagrams/${drawingFile(key, mode)}`),
          attribute('alt', alt),
          attribute('width', size.width),
          attribute('height', size.height),
          attribute('loading', 'lazy'),
          attribute('decoding', 'async'),
        ],
        children: [],
      };
    });
    return {
      type: 'mdxJsxFlowElement',
      name: 'div',
      attributes: [attribute('className', 'mermaid-diagram'), attribute('data-diagram', key)],
      children: images,
    };
  };
  const visit = (node: MdNode) => {
    if (!node.children) return;
    node.children = node.children.map((child) => (child.type === 'code' && child.lang === 'mermaid' ? figure(child.value ?? '') : child));
    for (const child of node.children) visit(child);
  };
  return (tree: MdNode) => visit(tree);
}
