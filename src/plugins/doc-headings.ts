import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import GithubSlugger from 'github-slugger';

/** One section of a page: the heading it starts with (none for the text before the first) and its text. */
export interface DocSection {
  /** The heading's anchor on the page, as Docusaurus makes it (GitHub's slugs, or an explicit `{#id}`). */
  anchor?: string;
  heading?: string;
  level: number;
  text: string;
}

export interface DocPage {
  /** The doc id Docusaurus gives it (`lab-1-fan-out/index`). */
  id: string;
  title: string;
  /** Its URL path (`/lab-1-fan-out`). */
  path: string;
  sections: DocSection[];
}

/** Markdown inline markup removed, as the heading's text reads on the page. */
function plain(markdown: string): string {
  return (
    markdown
      .replace(/`([^`]*)`/g, '$1')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\*\*|__/g, '')
      // *emphasis* and _emphasis_ lose their marks; identifiers such as TOPIC_ARN keep theirs.
      .replace(/(^|[\s(])\*([^*\s][^*]*?)\*(?=$|[\s.,;:!?)])/g, '$1$2')
      .replace(/(^|[\s(])_([^_\s][^_]*?)_(?=$|[\s.,;:!?)])/g, '$1$2')
      .replace(/<[^>]+>/g, '')
      .trim()
  );
}

/**
 * Reads a Markdown or MDX page into its title, URL and sections: frontmatter, imports, JSX
 * widgets and code fences' markers left out, code kept as text (learners search for `filterPolicy`).
 */
export function readDocPage(docsDir: string, file: string): DocPage {
  const source = readFileSync(join(docsDir, file), 'utf8');
  const front = /^---\n([\s\S]*?)\n---\n/.exec(source);
  const field = (name: string) => front && new RegExp(`^${name}:\\s*['"]?(.*?)['"]?\\s*$`, 'm').exec(front[1])?.[1];
  const id = relative(docsDir, join(docsDir, file)).replace(/\.mdx?$/, '');
  const slugger = new GithubSlugger();
  const sections: DocSection[] = [{ level: 1, text: '' }];
  let title = field('title') ?? '';
  let fenced = false;
  for (const line of source.slice(front?.[0].length ?? 0).split('\n')) {
    if (/^(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) {
      if (
        /^import\s|^export\s/.test(line) ||
        /^\s*<\/?[A-Z][^>]*>?\s*$/.test(line) ||
        /^\s*<[A-Z][\s\S]*\/>\s*$/.test(line) ||
        /^:::/.test(line)
      )
        continue;
      const heading = /^(#{1,6})\s+(.*?)(?:\s*\{#([\w-]+)\})?\s*$/.exec(line);
      if (heading) {
        const text = plain(heading[2]);
        if (heading[1].length === 1) {
          title ||= text;
          continue;
        }
        sections.push({ level: heading[1].length, heading: text, anchor: heading[3] ?? slugger.slug(text), text: '' });
        continue;
      }
    }
    const section = sections.at(-1)!;
    section.text += `${fenced ? line : plain(line)}\n`;
  }
  const slug = field('slug');
  const path = slug ? (slug.startsWith('/') ? slug : `/${slug}`) : `/${id.replace(/\/index$/, '').replace(/^index$/, '')}`;
  return {
    id,
    title,
    path,
    sections: sections.filter((s) => s.heading || s.text.trim()).map((s) => ({ ...s, text: s.text.replace(/\n{2,}/g, '\n').trim() })),
  };
}

/** Every page under `docsDir`, in file order. */
export function readDocPages(docsDir: string): DocPage[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.mdx?$/.test(name) && !name.startsWith('_')) files.push(relative(docsDir, path));
    }
  };
  walk(docsDir);
  return files.map((file) => readDocPage(docsDir, file));
}
