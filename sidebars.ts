import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';
import { labSidebarCategory } from './src/plugins/lab-sidebar.ts';

const DOCS = join(fileURLToPath(new URL('.', import.meta.url)), 'docs');

// The lab pages, in order: docs/<folder>/index.mdx. A new lab adds its folder here. Not exported:
// Docusaurus reads every export of this file as a sidebar.
const LAB_PAGES = [
  'lab-0-setup',
  'lab-1-fan-out',
  'lab-2-topic-queue-chaining',
  'lab-3-scatter-gather',
  'lab-4-saga',
  'lab-5-messaging-and-streaming',
];

// Each lab is listed with its steps under it, read from its "## Step N: title" headings.
const sidebars: SidebarsConfig = {
  labs: ['intro', ...LAB_PAGES.map((folder) => labSidebarCategory(DOCS, folder))],
};

export default sidebars;
