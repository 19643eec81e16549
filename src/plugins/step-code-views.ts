// Each step's code view computed once, when the site is built, instead of in every reader's
// browser. A lab page writes `<StepCode lab="lab-1" step={1} file="labs/lab-1-fan-out/stack.ts" />`;
// this remark plugin reads the lab's annotated solution, which sits beside the learner's file in
// its `solution/` folder (labs/lab-1-fan-out/solution/stack.ts: the kit's SOLUTION_DIR), and cuts
// every step's view from it (src/components/StepCode/step-view.ts). The page gets them once, as a
// constant of its own module (`stepCodeViews`, a `StepChain` per file: the starter, then each
// step's rows as ops over the file before it), and each `<StepCode>` a `views` attribute that
// points at its file's chain. The page then carries neither the solution's text nor the code that
// parses and diffs it, and each line a step adds only once.
//
// webpack only knows the page reads its MDX file: `stepCodeViewsDependencies` (a Docusaurus
// plugin) tells it the page also reads the solutions, so that editing one rebuilds the page, in
// `docusaurus start` and through the build's persistent cache alike.

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Plugin } from '@docusaurus/types';
import type { Compiler } from 'webpack';
import { lastStep, SOLUTION_DIR } from '../../labs/kit/steps/index.ts';
import { type StepChain, viewAtStep } from '../components/StepCode/step-code.utils.ts';
import { stepChain, stepView } from '../components/StepCode/step-view.ts';

/** A `<StepCode>` the build cannot show: the message says what to fix. */
export class StepCodeError extends Error {
  override name = 'StepCodeError';
}

/** The page's constant that holds its step views, by the learner's file they show. */
export const VIEWS_CONSTANT = 'stepCodeViews';

type Attribute = { type: string; name?: string; value?: string | { type: string; value: string; data?: unknown } | null };
type MdNode = { type: string; name?: string | null; value?: string; attributes?: Attribute[]; children?: MdNode[]; data?: unknown };
type Estree = Record<string, unknown>;

/** The annotated solution a step of `file` (the learner's file, relative to the site) is cut from. */
export const solutionOf = (file: string) => join(dirname(file), SOLUTION_DIR, basename(file));

/** A literal attribute's value (`file="…"` or `step={3}`), or undefined. */
function literal(node: MdNode, name: string): string | undefined {
  const value = node.attributes?.find((attribute) => attribute.type === 'mdxJsxAttribute' && attribute.name === name)?.value;
  return typeof value === 'string' ? value : value?.value.trim();
}

/** A JSON value as a JavaScript expression (the syntax tree MDX compiles attributes and ESM from). */
function expression(value: unknown): Estree {
  if (Array.isArray(value)) return { type: 'ArrayExpression', elements: value.map(expression) };
  if (value !== null && typeof value === 'object')
    return {
      type: 'ObjectExpression',
      properties: Object.entries(value).map(([key, item]) => ({
        type: 'Property',
        key: { type: 'Literal', value: key },
        value: expression(item),
        kind: 'init',
        computed: false,
        method: false,
        shorthand: false,
      })),
    };
  return { type: 'Literal', value: value as string | number };
}

const program = (statement: Estree) => ({ estree: { type: 'Program', sourceType: 'module', body: [statement], comments: [] } });

/**
 * The remark plugin: the page gets its step views, and each `<StepCode>` a `views` attribute. One
 * that names no file, a step the solution does not have, or a solution that is not there fails
 * the build.
 */
export default function stepCodeViews(options: { siteDir: string }) {
  return (tree: MdNode, vfile: { path?: string }) => {
    const page = vfile.path ?? '';
    const chains: Record<string, StepChain> = {};
    const withViews = (node: MdNode): void => {
      const where = `${relative(options.siteDir, page)}: <StepCode lab="${literal(node, 'lab')}" step={${literal(node, 'step')}}>`;
      if (node.attributes?.some((attribute) => attribute.type === 'mdxJsxAttribute' && attribute.name === 'source'))
        throw new StepCodeError(
          `${where} has a source attribute: remove it (and the page's import of the solution), the build reads the solution from the file attribute.`,
        );
      const file = literal(node, 'file');
      const step = Number(literal(node, 'step'));
      if (!file || !/^\d+$/.test(literal(node, 'step') ?? ''))
        throw new StepCodeError(
          `${where} needs a file="labs/<lab>/stack.ts" attribute and a step={n} with a number, both written out literally.`,
        );
      const path = join(options.siteDir, solutionOf(file));
      if (!existsSync(path))
        throw new StepCodeError(
          `${where} shows ${file}, whose annotated solution ${relative(options.siteDir, path)} is not there: fix the file attribute.`,
        );
      const solution = readFileSync(path, 'utf8');
      if (step < 1 || step > lastStep(solution))
        throw new StepCodeError(
          `${where}: ${relative(options.siteDir, path)} has steps 1 to ${lastStep(solution)}, fix the step attribute.`,
        );
      chains[file] ??= stepChain(solution);
      // The chain replays each step from the one before: check it gives back what the step shows.
      if (!isDeepStrictEqual(viewAtStep(chains[file], step), stepView(solution, step)))
        throw new StepCodeError(
          `${where}: the step's view does not survive its encoding: fix encodeStepChain (step-view.ts) or viewAtStep (step-code.utils.ts).`,
        );
      const views = {
        type: 'MemberExpression',
        object: { type: 'Identifier', name: VIEWS_CONSTANT },
        property: { type: 'Literal', value: file },
        computed: true,
        optional: false,
      };
      node.attributes?.push({
        type: 'mdxJsxAttribute',
        name: 'views',
        value: {
          type: 'mdxJsxAttributeValueExpression',
          value: `${VIEWS_CONSTANT}[${JSON.stringify(file)}]`,
          data: program({ type: 'ExpressionStatement', expression: views }),
        },
      });
    };
    const visit = (node: MdNode) => {
      if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'StepCode') withViews(node);
      for (const child of node.children ?? []) visit(child);
    };
    visit(tree);
    if (Object.keys(chains).length === 0) return;
    tree.children?.unshift({
      type: 'mdxjsEsm',
      value: `const ${VIEWS_CONSTANT} = ${JSON.stringify(chains)};`,
      data: program({
        type: 'VariableDeclaration',
        kind: 'const',
        declarations: [{ type: 'VariableDeclarator', id: { type: 'Identifier', name: VIEWS_CONSTANT }, init: expression(chains) }],
      }),
    });
  };
}

/** The learner's files a page's `<StepCode>` elements name, read from the page's source. */
export const stepCodeFiles = (mdx: string) => [...new Set([...mdx.matchAll(/<StepCode\b[^>]*\bfile="([^"]+)"/g)].map((match) => match[1]))];

/**
 * The Docusaurus plugin that makes each page that shows step code depend on the solutions it
 * reads. It tells webpack as the page starts to build (when a dependency still counts for the
 * persistent cache's record of the page), so it reads the files from the page's source.
 */
export function stepCodeViewsDependencies(context: { siteDir: string }): Plugin {
  return {
    name: 'step-code-views-dependencies',
    configureWebpack: () => ({
      plugins: [
        {
          apply(compiler: Compiler) {
            compiler.hooks.compilation.tap('step-code-views', (compilation) =>
              compiler.webpack.NormalModule.getCompilationHooks(compilation).loader.tap('step-code-views', (loader, module) => {
                const page = module.resource.split('?')[0];
                if (!page.endsWith('.mdx') || !existsSync(page)) return;
                for (const file of stepCodeFiles(readFileSync(page, 'utf8'))) loader.addDependency(join(context.siteDir, solutionOf(file)));
              }),
            );
          },
        },
      ],
    }),
  };
}
