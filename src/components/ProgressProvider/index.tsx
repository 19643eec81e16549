import {
  fetchLabs,
  fetchProgress,
  LAB_CHANGED,
  type LabSummary,
  PROGRESS_CHANGED,
  type Progress,
  resetProgress,
} from '@site/src/lib/progress';
import { useLabApiMode } from '@site/src/lib/use-lab-api';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';

export interface ProgressContext {
  /** False in a static build: nothing is remembered there. */
  available: boolean;
  labs: LabSummary[];
  progress?: Progress;
  reset(lab?: string): Promise<void>;
}

const Context = createContext<ProgressContext>({ available: false, labs: [], reset: async () => undefined });

/**
 * The learner's progress, fetched once per page load from the lab API, again whenever a widget
 * says it changed, and when the learner comes back to the page (from a terminal, say, where
 * `npx workshop verify` records its results too).
 */
export function useProgress(): ProgressContext {
  return useContext(Context);
}

export default function ProgressProvider({ children }: { children: ReactNode }) {
  const mode = useLabApiMode();
  const [labs, setLabs] = useState<LabSummary[]>([]);
  const [progress, setProgress] = useState<Progress>();
  const refresh = useCallback(() => {
    fetchProgress().then(setProgress, () => undefined);
  }, []);
  useEffect(() => {
    if (mode !== 'live') return;
    fetchLabs().then(setLabs, () => undefined);
    refresh();
    const returned = () => document.visibilityState === 'visible' && refresh();
    window.addEventListener(PROGRESS_CHANGED, refresh);
    window.addEventListener(LAB_CHANGED, refresh);
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', returned);
    return () => {
      window.removeEventListener(PROGRESS_CHANGED, refresh);
      window.removeEventListener(LAB_CHANGED, refresh);
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', returned);
    };
  }, [mode, refresh]);
  const reset = useCallback(async (lab?: string) => setProgress(await resetProgress(lab)), []);
  return (
    <Context.Provider value={{ available: mode === 'live' && progress !== undefined, labs, progress, reset }}>{children}</Context.Provider>
  );
}
