import { loadOnce } from '@site/src/lib/load-once';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type DiagramComponent from './Diagram';

// The graph and layout libraries (React Flow, dagre) load only when there is a deployed stack to draw.
const diagramCode = loadOnce(() => import('./Diagram').then((module) => module.default));

/**
 * The diagram's component once its code has arrived, fetched when `wanted`. Not React.lazy in a
 * Suspense boundary: React retries a suspended boundary at its lowest priority, after every other
 * update of the page, so of a page's two diagrams the one whose stack arrived after the code drew
 * first, and the other stayed on "Drawing your stack…" until the page had nothing more urgent to
 * render. Here the code's arrival updates every diagram of the page, together, at once. When the
 * code could not be fetched, `problem` says why and `retry` fetches it again.
 */
export function useDiagram(wanted: boolean): { Diagram?: typeof DiagramComponent; problem?: string; retry: () => void } {
  const Diagram = useSyncExternalStore(diagramCode.subscribe, diagramCode.loaded, () => undefined);
  const [problem, setProblem] = useState<string>();
  const retry = useCallback(() => {
    setProblem(undefined);
    diagramCode.load().catch((error: Error) => setProblem(error.message));
  }, []);
  useEffect(() => {
    if (wanted && !Diagram) retry();
  }, [wanted, Diagram, retry]);
  return { Diagram, problem, retry };
}
