import { fileURLToPath } from 'node:url';
import type * as Preset from '@docusaurus/preset-classic';
import type { Config } from '@docusaurus/types';
import { themes as prismThemes } from 'prism-react-renderer';
import mermaidImages from './src/plugins/mermaid-images.ts';
import { readableTheme } from './src/plugins/prism-contrast.ts';
import stepCodeViews, { stepCodeViewsDependencies } from './src/plugins/step-code-views.ts';

// Environment read once: where the lab API listens (npm start passes it to the dev server).
const API_PORT = Number(process.env.WORKSHOP_API_PORT ?? 3001);
const SITE_DIR = fileURLToPath(new URL('.', import.meta.url));
const BASE_URL = '/';

const config: Config = {
  title: 'Wild Rydes: Asynchronous Messaging',
  tagline: 'SNS, SQS, Lambda, Step Functions, EventBridge and Kinesis, hands-on, with or without an AWS account',
  url: 'http://localhost',
  favicon: 'img/favicon.svg',
  headTags: [
    { tagName: 'link', attributes: { rel: 'icon', type: 'image/png', sizes: '32x32', href: '/img/favicon-32.png' } },
    { tagName: 'link', attributes: { rel: 'apple-touch-icon', href: '/img/apple-touch-icon.png' } },
  ],
  baseUrl: BASE_URL,
  onBrokenLinks: 'throw',
  markdown: { hooks: { onBrokenMarkdownLinks: 'throw' } },
  i18n: { defaultLocale: 'en', locales: ['en'] },
  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
          // Mermaid diagrams are drawn ahead of time (npm run diagrams), not in the reader's browser.
          // So is each step's code view (<StepCode>), from the lab's annotated solution.
          remarkPlugins: [
            [mermaidImages, { siteDir: SITE_DIR, baseUrl: BASE_URL }],
            [stepCodeViews, { siteDir: SITE_DIR }],
          ],
        },
        blog: false,
        theme: { customCss: './src/css/custom.css' },
      } satisfies Preset.Options,
    ],
  ],
  plugins: [['./src/plugins/site-webpack.ts', { apiPort: API_PORT }], './src/plugins/local-search.ts', stepCodeViewsDependencies],
  themeConfig: {
    image: 'img/social-card.png',
    navbar: {
      title: 'Wild Rydes',
      logo: {
        alt: 'Wild Rydes logo: a unicorn horn and a message fanned out to three subscribers',
        src: 'img/logo.svg',
        width: 32,
        height: 32,
      },
      items: [
        { type: 'docSidebar', sidebarId: 'labs', position: 'left', label: 'Labs' },
        { to: '/lab-1-fan-out', label: 'Lab 1', position: 'left' },
      ],
    },
    footer: {
      style: 'dark',
      copyright: 'A hands-on workshop on asynchronous messaging. Runs against the embedded local cloud or your AWS account.',
    },
    prism: {
      theme: readableTheme(prismThemes.github),
      darkTheme: readableTheme(prismThemes.dracula),
      additionalLanguages: ['bash', 'json'],
    },
    colorMode: { respectPrefersColorScheme: true },
  } satisfies Preset.ThemeConfig,
};

export default config;
