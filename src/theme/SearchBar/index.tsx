// The classic theme ships no search box; this one searches the docs offline (see
// src/plugins/local-search.ts), in the dev server and the static build alike.

import { useHistory } from '@docusaurus/router';
import { loadOnce } from '@site/src/lib/load-once';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { SearchDocument, SearchHit } from './search.utils';
import styles from './styles.module.css';

type Search = (query: string) => SearchHit[];

/**
 * The search code and the documents (chunks of their own, so that a page that is only read never
 * loads them), indexed once per page load; a failed fetch is fetched again on the next search.
 */
const searchCode = loadOnce<Search>(() =>
  Promise.all([import('./search.utils'), import('@generated/local-search/default/search-documents.json')]).then(
    ([{ buildIndex, search }, module]) => {
      const index = buildIndex((module.default ?? module) as SearchDocument[]);
      return (query) => search(index, query);
    },
  ),
);

export default function SearchBar() {
  const history = useHistory();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();

  useEffect(() => {
    // "/" or Ctrl-K / ⌘-K focuses the box, as on most documentation sites.
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
      if ((event.key === '/' && !typing) || (event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const run = useCallback(async (text: string) => {
    setQuery(text);
    const search = await searchCode.load();
    setHits(search(text));
    setActive(0);
    setOpen(true);
  }, []);

  const go = (hit: SearchHit | undefined) => {
    if (!hit) return;
    setOpen(false);
    setQuery('');
    history.push(hit.href);
  };

  return (
    <div className={styles.search} onBlur={(event) => !event.currentTarget.contains(event.relatedTarget as Node) && setOpen(false)}>
      <input
        ref={input}
        type="search"
        className={styles.input}
        placeholder="Search  /"
        aria-label="Search the workshop"
        role="combobox"
        aria-expanded={open && query !== ''}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && hits[active] ? `${listId}-${hits[active].id}` : undefined}
        value={query}
        onFocus={() => void searchCode.load().catch(() => undefined)}
        onChange={(event) => void run(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') setActive((a) => Math.min(a + 1, hits.length - 1));
          else if (event.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (event.key === 'Enter') go(hits[active]);
          else if (event.key === 'Escape') setOpen(false);
          else return;
          event.preventDefault();
        }}
        data-testid="search-input"
      />
      {open && query !== '' && (
        <ul id={listId} role="listbox" aria-label="Search results" className={styles.results} data-testid="search-results">
          {hits.length === 0 && (
            <li role="option" aria-selected="false" aria-disabled="true" className={styles.none}>
              Nothing matches “{query}”.
            </li>
          )}
          {hits.map((hit, i) => (
            <li
              key={hit.id}
              id={`${listId}-${hit.id}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? styles.active : undefined}
              onMouseDown={(event) => {
                event.preventDefault();
                go(hit);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className={styles.where}>
                {hit.title}
                {hit.heading ? ` › ${hit.heading}` : ''}
              </span>
              <span className={styles.excerpt}>{hit.excerpt}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
