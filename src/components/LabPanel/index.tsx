import clsx from 'clsx';
import type { ReactNode } from 'react';
import styles from './styles.module.css';

type Props = {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  state?: 'idle' | 'running' | 'done' | 'failed';
};

/** The frame every lab widget (Deploy, Run, Check) shares: a title, its buttons, its results. */
export default function LabPanel({ title, subtitle, actions, children, state = 'idle' }: Props) {
  return (
    <section className={clsx(styles.panel, styles[state])}>
      <header className={styles.header}>
        <div>
          <strong>{title}</strong>
          {subtitle && <div className={styles.subtitle}>{subtitle}</div>}
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
      </header>
      {children}
    </section>
  );
}
