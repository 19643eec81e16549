import { join } from 'node:path';
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
        optimization: {
          splitChunks: {
            cacheGroups: {
              // The graph and chart libraries, each in a chunk named for it, loaded only by the
              // widgets that draw with them (the live diagram, the metrics chart): `npm run bench`
              // weighs the pages against the template plus these two.
              graphLibraries: {
                test: /[\\/]node_modules[\\/](@xyflow|@dagrejs|d3-[a-z]+|zustand|classcat|use-sync-external-store)[\\/]/,
                name: 'graph-libraries',
                chunks: 'async',
                enforce: true,
                priority: 35,
              },
              chartLibrary: {
                test: /[\\/]node_modules[\\/]uplot[\\/]/,
                name: 'chart-library',
                chunks: 'async',
                enforce: true,
                priority: 35,
              },
              // Each page imports the lab widgets it shows, so they load with it, before React
              // hydrates it. The site's own modules go into chunks shared by exactly the pages that
              // use them, never into Docusaurus's "common" chunk that every page loads: the intro
              // carries no lab widget, and no page a widget it does not show.
              siteModules: {
                test: /^(?!.*[\\/]node_modules[\\/]).*[\\/](src|labs)[\\/]/,
                chunks: 'async',
                minChunks: 2,
                minSize: 2_000,
                priority: 45,
                reuseExistingChunk: true,
              },
            },
          },
        },
        // Code blocks highlight with a Prism that has only the grammars the pages use (the
        // package's own brings some forty grammars and twenty colour themes to every page).
        resolve: { alias: { 'prism-react-renderer$': join(context.siteDir, 'src', 'lib', 'highlight', 'index.ts') } },
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
