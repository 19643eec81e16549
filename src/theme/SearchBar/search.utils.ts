import MiniSearch from 'minisearch';
// The documents' shape is declared by the plugin that writes them (type-only import).
import type { SearchDocument } from '../../plugins/local-search.ts';

export type { SearchDocument };

export interface SearchHit {
  id: number;
  title: string;
  heading?: string;
  href: string;
  excerpt: string;
}

/** Builds the in-memory index: headings weigh most, then page titles, then the text. */
export function buildIndex(documents: SearchDocument[]): MiniSearch<SearchDocument> {
  const index = new MiniSearch<SearchDocument>({
    fields: ['heading', 'title', 'text'],
    storeFields: ['title', 'heading', 'path', 'anchor', 'text'],
    searchOptions: { boost: { heading: 3, title: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'AND' },
  });
  index.addAll(documents);
  return index;
}

/** The words of the text around the first match, so a hit shows why it matched. */
export function excerpt(text: string, terms: string[], length = 140): string {
  const lower = text.toLowerCase();
  const at = Math.min(...terms.map((t) => lower.indexOf(t.toLowerCase())).filter((i) => i >= 0), Number.POSITIVE_INFINITY);
  const start = Number.isFinite(at) ? Math.max(0, at - 40) : 0;
  const slice = text
    .slice(start, start + length)
    .replace(/\s+/g, ' ')
    .trim();
  return `${start > 0 ? '…' : ''}${slice}${start + length < text.length ? '…' : ''}`;
}

/** The best `limit` sections for a query, with where they are and a line of their text. */
export function search(index: MiniSearch<SearchDocument>, query: string, limit = 8): SearchHit[] {
  if (!query.trim()) return [];
  return index
    .search(query)
    .slice(0, limit)
    .map((result) => {
      const doc = result as unknown as SearchDocument & { terms: string[] };
      return {
        id: doc.id,
        title: doc.title,
        heading: doc.heading,
        href: `${doc.path}${doc.anchor ? `#${doc.anchor}` : ''}`,
        excerpt: excerpt(doc.text, doc.terms),
      };
    });
}
