import { join } from 'node:path';
import type { LoadContext, Plugin } from '@docusaurus/types';
import TerserPlugin from 'terser-webpack-plugin';

/**
 * The site's webpack settings. In `docusaurus start` it forwards /api to the lab API, so the
 * pages call it on their own origin; compression is off so streamed progress arrives as it happens.
 */
export default function siteWebpack(context: LoadContext, options: { apiPort: number }): Plugin {
  return {
    name: 'site-webpack',
    configureWebpack(config) {
      const others = (config.optimization?.minimizer ?? []).filter((minimizer) => !(minimizer instanceof TerserPlugin));
      return {
        mergeStrategy: { 'optimization.minimizer': 'replace' },
        optimization: {
          // Docusaurus's own Terser settings, except that it may write ES2020 (what Babel already
          // emits for the browsers the site supports), compresses twice, and keeps characters such
          // as "—" and "→", frequent in the widgets' words, as they are instead of \u escapes:
          // about a kilobyte less on a lab page.
          minimizer: [
            new TerserPlugin({
              terserOptions: {
                parse: { ecma: 2020 },
                compress: { ecma: 2020, passes: 2 },
                mangle: { safari10: true },
                format: { ecma: 2020, comments: false, ascii_only: false },
              },
            }),
            ...others,
          ],
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
