import CodeBlock from '@theme/CodeBlock';
import { extractRegion } from '@site/src/lib/regions';

type Props = {
  /** The solution's source, imported with `!!raw-loader!`. */
  source: string;
  step: number;
  title?: string;
};

/** Shows one step of a lab's solution: the `// #region step-N` of the real source file. */
export default function SolutionStep({ source, step, title }: Props) {
  return (
    <CodeBlock language="ts" title={title ?? `Step ${step}`}>
      {extractRegion(source, `step-${step}`)}
    </CodeBlock>
  );
}
