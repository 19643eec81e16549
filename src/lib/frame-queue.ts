/** What schedules a callback for the next frame: `requestAnimationFrame` in a page, a fake in a test. */
export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

export const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/**
 * Collects items as they come and hands them over together once per frame. The cloud's stream
 * delivers each event in a task of its own, and a React state update per event renders once per
 * event: under a burst of a thousand messages the page would spend its frames re-rendering. With
 * this it renders once per frame, whatever the rate.
 */
export class FrameQueue<T> {
  private items: T[] = [];
  private handle: number | undefined;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly frames: FrameScheduler = animationFrames,
  ) {}

  push(item: T): void {
    this.items.push(item);
    this.handle ??= this.frames.request(() => {
      this.handle = undefined;
      const items = this.items;
      this.items = [];
      this.flush(items);
    });
  }

  /** Drops what has not been handed over yet (the component that would show it is gone). */
  stop(): void {
    if (this.handle !== undefined) this.frames.cancel(this.handle);
    this.handle = undefined;
    this.items = [];
  }
}
