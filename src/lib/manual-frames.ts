import type { FrameScheduler } from './frame-queue.ts';

/** For tests: a FrameScheduler whose frames run only when `frame()` is called. */
export function manualFrames() {
  let waiting = new Map<number, () => void>();
  let next = 1;
  const scheduler: FrameScheduler = {
    request: (callback) => {
      waiting.set(next, callback);
      return next++;
    },
    cancel: (handle) => waiting.delete(handle),
  };
  const frame = () => {
    const callbacks = [...waiting.values()];
    waiting = new Map();
    for (const callback of callbacks) callback();
  };
  return { scheduler, frame, pending: () => waiting.size };
}
