// Draws every ```mermaid block of the docs as SVG, light and dark, with mermaid in Chromium, into
// static/img/diagrams/ (see src/plugins/mermaid-images.ts for why). Drawings already there are
// kept; drawings no block uses any more are removed. `--force` draws them all again.
//   npm run diagrams [-- --force]
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../src/engine/paths.ts';
import {
  COLOUR_MODES,
  type ColourMode,
  DIAGRAMS_DIR,
  DiagramError,
  diagramDescription,
  diagramKey,
  docsDiagrams,
  drawingFile,
  RENDER_OPTIONS,
} from '../src/plugins/mermaid-images.ts';
import { launchChromium } from '../tests/browser/harness.ts';

/**
 * One drawing as mermaid makes it, written out as XML (an image must be well-formed: mermaid's own
 * text has HTML's `<br>` in its labels), and sized by its viewBox so that an <img> of it has the
 * drawing's natural size.
 */
async function draw(page: Page, source: string, mode: ColourMode): Promise<string> {
  const svg = await page.evaluate(
    async ({ source, theme, fontFamily, handDrawnSeed, themeCSS }) => {
      const mermaid = (window as unknown as { mermaid: any }).mermaid;
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme, fontFamily, handDrawnSeed, themeCSS });
      const holder = document.createElement('div');
      holder.innerHTML = (await mermaid.render('diagram', source)).svg;
      return new XMLSerializer().serializeToString(holder.firstElementChild!);
    },
    {
      source,
      theme: COLOUR_MODES[mode],
      fontFamily: RENDER_OPTIONS.fontFamily,
      handDrawnSeed: RENDER_OPTIONS.handDrawnSeed,
      themeCSS: RENDER_OPTIONS.themeCSS[mode],
    },
  );
  const viewBox = /<svg\b[^>]*\sviewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!viewBox) throw new DiagramError(`mermaid drew a diagram without a viewBox: ${source.split('\n')[0]}`);
  const [width, height] = [Math.ceil(Number(viewBox[3])), Math.ceil(Number(viewBox[4]))];
  // mermaid writes its paths' coordinates to 15 decimals: to a hundredth of a pixel, the file is half the size.
  const rounded = svg.replace(/\sd="[^"]*"/g, (d) => d.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100)));
  return `${rounded.replace(/^<svg\b[^>]*>/, (root) =>
    root
      .replace(/\swidth="[^"]*"/, '')
      .replace(/\sheight="[^"]*"/, '')
      .replace(/\sstyle="[^"]*"/, '')
      .replace(/^<svg/, `<svg width="${width}" height="${height}"`),
  )}\n`;
}

/** Draws the diagrams that have no drawing yet (all of them with `force`), and removes drawings no diagram uses. */
export async function renderDiagrams({ force = false, log = console.log } = {}): Promise<void> {
  const dir = join(PROJECT_ROOT, DIAGRAMS_DIR);
  mkdirSync(dir, { recursive: true });
  const diagrams = docsDiagrams(PROJECT_ROOT);
  // Every diagram says what it shows in words before any is drawn.
  for (const { file, source } of diagrams) {
    try {
      diagramDescription(source);
    } catch (error) {
      throw new DiagramError(`${file}: ${(error as Error).message}`);
    }
  }
  const modes = Object.keys(COLOUR_MODES) as ColourMode[];
  const wanted = new Set(diagrams.flatMap(({ source }) => modes.map((mode) => drawingFile(diagramKey(source), mode))));
  // One drawing per distinct diagram, however many pages show it.
  const distinct = [...new Map(diagrams.map((d) => [diagramKey(d.source), d])).values()];
  const toDraw = distinct.filter(
    ({ source }) => force || modes.some((mode) => !existsSync(join(dir, drawingFile(diagramKey(source), mode)))),
  );
  log(`${diagrams.length} mermaid diagrams in docs/; ${toDraw.length} to draw.`);
  if (toDraw.length > 0) {
    const browser = await launchChromium().catch((error: Error) => {
      throw new DiagramError(
        `mermaid draws in a browser, and Chromium did not start (Debian: apt-get install chromium; elsewhere WORKSHOP_CHROMIUM=/path/to/chrome): ${error.message.split('\n')[0]}`,
      );
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ path: createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js') });
      for (const [i, { file, source }] of toDraw.entries()) {
        const key = diagramKey(source);
        for (const mode of modes) {
          try {
            writeFileSync(join(dir, drawingFile(key, mode)), await draw(page, source, mode));
          } catch (error) {
            throw new DiagramError(
              `${file}: mermaid could not draw the diagram starting "${source.split('\n')[0]}": ${(error as Error).message}`,
            );
          }
        }
        log(`  [${i + 1}/${toDraw.length}] ${file}: ${source.split('\n')[0]} → ${DIAGRAMS_DIR}/${key}.{light,dark}.svg`);
      }
    } finally {
      await browser.close();
    }
  }
  for (const name of readdirSync(dir))
    if (name.endsWith('.svg') && !wanted.has(name)) {
      rmSync(join(dir, name));
      log(`  removed ${DIAGRAMS_DIR}/${name} (no diagram uses it any more)`);
    }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await renderDiagrams({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(error instanceof DiagramError ? `✗ ${error.message}` : error);
    process.exit(1);
  }
}
