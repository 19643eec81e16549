import { join } from 'node:path';
import type { LoadContext, Plugin } from '@docusaurus/types';
import { readDocPages } from './doc-headings.ts';

/** One searchable section of a page, as the search box loads it. */
export interface SearchDocument {
  id: number;
  /** The page's title. */
  title: string;
  heading?: string;
  /** Where it is: the page's path and the heading's anchor. */
  path: string;
  anchor?: string;
  text: string;
}

const MAX_TEXT = 2_000;

/** The sections of every page under `docsDir`, ready to index. */
export function searchDocuments(docsDir: string): SearchDocument[] {
  let id = 0;
  return readDocPages(docsDir).flatMap((page) =>
    page.sections.map((section) => ({
      id: id++,
      title: page.title,
      heading: section.heading,
      path: page.path,
      anchor: section.anchor,
      text: section.text.slice(0, MAX_TEXT),
    })),
  );
}

/**
 * Offline search: the docs' sections are read from their Markdown when the site builds or the dev
 * server starts (and again when a page changes), and handed to the search box as a JSON module
 * that loads on first use. Unlike search plugins that index the production HTML, it works under
 * `npm start` too, with no network and no server.
 */
export default function localSearch(context: LoadContext): Plugin<SearchDocument[]> {
  const docsDir = join(context.siteDir, 'docs');
  return {
    name: 'local-search',
    getPathsToWatch: () => [join(docsDir, '**/*.{md,mdx}')],
    loadContent: async () => searchDocuments(docsDir),
    async contentLoaded({ content, actions }) {
      await actions.createData('search-documents.json', JSON.stringify(content));
    },
  };
}
