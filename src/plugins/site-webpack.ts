import type { LoadContext, Plugin } from '@docusaurus/types';

/**
 * The site's webpack settings. In `docusaurus start` it forwards /api to the lab API, so the
 * pages call it on their own origin; compression is off so streamed progress arrives as it happens.
 */
export default function siteWebpack(context: LoadContext, options: { apiPort: number }): Plugin {
  return {
    name: 'site-webpack',
    configureWebpack() {
      return {
        // theme-mermaid's optional ELK layout is not installed; its import sits in dead code
        // that webpack still resolves.
        resolve: { alias: { '@mermaid-js/layout-elk': false } },
        // The project is an ES module package ("type": "module"), which would make webpack read
        // the .js files Docusaurus generates as strict ESM; they rely on require.resolveWeak.
        module: { rules: [{ test: /\.js$/, include: [context.generatedFilesDir], type: 'javascript/auto' }] },
        devServer: {
          compress: false,
          proxy: [{ context: ['/api'], target: `http://127.0.0.1:${options.apiPort}` }],
        },
      } as never;
    },
  };
}
