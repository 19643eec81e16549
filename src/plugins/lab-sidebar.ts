import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readDocPage } from './doc-headings.ts';

/** A lab's entry in the sidebar: its page, with one link per step under it (the sidebar marks them done). */
export function labSidebarCategory(docsDir: string, folder: string) {
  const file = existsSync(join(docsDir, folder, 'index.mdx')) ? `${folder}/index.mdx` : `${folder}/index.md`;
  const page = readDocPage(docsDir, file);
  const lab = folder.split('-').slice(0, 2).join('-');
  const steps = page.sections.filter((s) => s.level === 2 && /^Step \d+:/.test(s.heading ?? ''));
  return {
    type: 'category' as const,
    label: page.title,
    link: { type: 'doc' as const, id: `${folder}/index` },
    collapsed: false,
    customProps: { lab },
    items: steps.map((s) => ({
      type: 'link' as const,
      label: s.heading!,
      href: `${page.path}#${s.anchor}`,
      customProps: { lab, step: Number(/^Step (\d+)/.exec(s.heading!)![1]) },
    })),
  };
}
