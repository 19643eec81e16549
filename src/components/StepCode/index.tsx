import { usePrismTheme } from '@docusaurus/theme-common';
import clsx from 'clsx';
import { Highlight } from 'prism-react-renderer';
import { useMemo, useState } from 'react';
import { foldLabel, highlightedCode, type Row, type StepChain, viewAtStep, visibleRows } from './step-code.utils';
import styles from './styles.module.css';

type Props = {
  /** The lab's id, as the other widgets name it (`lab-1`). */
  lab: string;
  step: number;
  /**
   * The views of every step of `file`, put there by the build (src/plugins/step-code-views.ts)
   * from the annotated solution beside it: a page does not write it.
   */
  views?: StepChain;
  /** The learner's file, as the title shows it; its folder's solution/ holds the annotated solution. */
  file: string;
};

const SIGN: Record<Row['kind'], string> = { context: ' ', add: '+', remove: '−', fold: ' ' };

/**
 * What one step asks the learner to type into their stack.ts: the lines to add (green) and to
 * remove (red), with enough unchanged lines around them to find the place. Unchanged stretches
 * are folded; "Show the whole file" unfolds them all. Cut from the lab's annotated solution when
 * the site is built.
 */
export default function StepCode({ lab, step, views, file }: Props) {
  const view = useMemo(() => {
    if (!views) throw new Error(`<StepCode lab="${lab}" step={${step}}> has no views: the step-code-views remark plugin adds them.`);
    return viewAtStep(views, step);
  }, [lab, views, step]);
  const [open, setOpen] = useState<Set<number> | 'all'>(new Set());
  const [copied, setCopied] = useState(false);
  const theme = usePrismTheme();
  const rows = visibleRows(view.rows, open);
  const text = highlightedCode(rows);
  const unfold = (id: number) => setOpen((current) => (current === 'all' ? current : new Set(current).add(id)));
  const copy = async () => {
    await navigator.clipboard.writeText(view.after);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <figure className={styles.frame} data-testid={`step-code-${lab}-${step}`}>
      <figcaption className={styles.caption}>
        <span>
          <strong>Step {step}</strong> in <code>{file}</code>: <span className={styles.added}>+{view.added}</span>{' '}
          <span className={styles.removed}>−{view.removed}</span>
        </span>
        <span className={styles.buttons}>
          <button type="button" className="button button--link button--sm" onClick={() => setOpen(open === 'all' ? new Set() : 'all')}>
            {open === 'all' ? 'Show the changes only' : 'Show the whole file'}
          </button>
          <button
            type="button"
            className="button button--secondary button--sm"
            onClick={copy}
            title={`Copies ${file} as it is after step ${step}`}
          >
            {copied ? 'Copied' : `Copy the file after step ${step}`}
          </button>
        </span>
      </figcaption>
      <Highlight code={text} language="tsx" theme={theme}>
        {({ className, style, tokens, getLineProps, getTokenProps }) => (
          <pre className={clsx(className, styles.code)} style={style}>
            {tokens.map((line, i) => {
              const row = rows[i];
              const props = getLineProps({ line, className: clsx(styles.line, styles[row.kind]) });
              if (row.kind === 'fold') {
                return (
                  <button
                    key={i}
                    type="button"
                    className={clsx(styles.line, styles.fold)}
                    onClick={() => unfold(row.id)}
                    title="Show these lines"
                  >
                    <span className={styles.sign}> </span>
                    {foldLabel(row)}
                  </button>
                );
              }
              return (
                <div key={i} {...props}>
                  <span
                    className={styles.sign}
                    {...(row.kind === 'context' ? {} : { role: 'img', 'aria-label': row.kind === 'add' ? 'added' : 'removed' })}
                  >
                    {SIGN[row.kind]}
                  </span>
                  {line.map((token, k) => (
                    <span key={k} {...getTokenProps({ token })} />
                  ))}
                </div>
              );
            })}
          </pre>
        )}
      </Highlight>
    </figure>
  );
}
