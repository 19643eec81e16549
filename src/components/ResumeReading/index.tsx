import { useLocation } from '@docusaurus/router';
import { useProgress } from '@site/src/components/ProgressProvider';
import { savePosition } from '@site/src/lib/progress';
import { useEffect, useRef, useState } from 'react';
import styles from './styles.module.css';

/** Pages whose reading position is kept: the intro and the labs. */
const followed = (path: string) => /^\/(intro|lab-\d+[^/]*)\/?$/.test(path);

/**
 * Opens a page where the learner left off, and remembers where they are. The heading nearest the
 * top of the window is saved (through the lab API, so it survives a restart and another browser);
 * opening that page again without a #anchor scrolls back to it and says so.
 */
export default function ResumeReading() {
  const { pathname, hash } = useLocation();
  const { available, progress } = useProgress();
  const [resumed, setResumed] = useState<{ title: string } | undefined>();
  const handled = useRef(new Set<string>());

  useEffect(() => {
    if (!available || !progress || !followed(pathname) || handled.current.has(pathname)) return;
    handled.current.add(pathname);
    const position = progress.position;
    if (hash || !position?.anchor || position.path !== pathname) return;
    const target = document.getElementById(position.anchor);
    if (!target) return;
    target.scrollIntoView({ block: 'start' });
    setResumed({ title: position.title ?? position.anchor });
  }, [available, progress, pathname, hash]);

  useEffect(() => {
    setResumed(undefined);
    if (!available || !followed(pathname)) return;
    let timer: number | undefined;
    const save = () => {
      const headings = Array.from(document.querySelectorAll<HTMLElement>('article h2[id], article h3[id]'));
      // The last heading above a line a fifth of the way down the window is the one being read.
      const line = window.innerHeight / 5;
      const current = headings.filter((h) => h.getBoundingClientRect().top < line).at(-1);
      savePosition({ path: pathname, anchor: current?.id, title: current?.textContent?.replace(/\u200b|#$/g, '').trim() });
    };
    const onScroll = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 1200);
    };
    timer = window.setTimeout(save, 1200);
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('scroll', onScroll);
    };
  }, [available, pathname]);

  if (!resumed) return null;
  return (
    <div className={styles.toast} role="status" data-testid="resume-reading">
      Opened where you left off: <strong>{resumed.title}</strong>
      <button
        type="button"
        className="button button--sm button--link"
        onClick={() => {
          window.scrollTo({ top: 0 });
          setResumed(undefined);
        }}
      >
        Back to the top
      </button>
      <button type="button" className={styles.close} aria-label="Dismiss" onClick={() => setResumed(undefined)}>
        ×
      </button>
    </div>
  );
}
