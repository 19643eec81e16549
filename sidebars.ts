import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';
import { labDocFolders, labSidebarCategory } from './src/plugins/lab-sidebar.ts';

const DOCS = join(fileURLToPath(new URL('.', import.meta.url)), 'docs');

// Every lab page (docs/lab-N-name/index.mdx) is listed with its steps, read from its
// "## Step N: title" headings, so a new lab appears without editing this file.
const sidebars: SidebarsConfig = {
  labs: ['intro', ...labDocFolders(DOCS).map((folder) => labSidebarCategory(DOCS, folder))],
};

export default sidebars;
