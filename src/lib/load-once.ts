/**
 * Code a page fetches on demand (a chunk of its own), fetched once for every widget that wants it.
 * `loaded()` answers synchronously once it has arrived, and `subscribe` tells every widget when
 * it does (the shape React's useSyncExternalStore takes), whichever widget asked for it. A failed
 * fetch is forgotten, so asking again fetches again (a dev server restarting, a network back).
 */
export interface LoadOnce<T> {
  /** What arrived, or undefined while nothing has. */
  loaded(): T | undefined;
  /** Fetches it, or joins the fetch under way. */
  load(): Promise<T>;
  /** Calls `listener` when it arrives; returns what stops that. */
  subscribe(listener: () => void): () => void;
}

export function loadOnce<T>(fetchIt: () => Promise<T>): LoadOnce<T> {
  let value: { arrived: T } | undefined;
  let pending: Promise<T> | undefined;
  const listeners = new Set<() => void>();
  return {
    loaded: () => value?.arrived,
    load() {
      if (value) return Promise.resolve(value.arrived);
      pending ??= fetchIt().then(
        (arrived) => {
          value = { arrived };
          for (const listener of [...listeners]) listener();
          return arrived;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
