/** One verify run as a class sees it: which checkpoints passed, and how long each took. */
export interface VerifyRun {
  lab: string;
  /** Set when only the checkpoints of one step ran. */
  step?: number;
  /** When the run started (epoch ms, this machine's clock). */
  at: number;
  durationMs: number;
  checkpoints: { id: string; step: number; ok: boolean; durationMs: number }[];
}

/**
 * What the engine asks of the class a learner has joined (instructor-led sessions). Without one,
 * the engine behaves exactly as on a learner's own.
 */
export interface Classroom {
  /** Refuses (throws an EngineError) a solution the instructor has not released yet. */
  checkSolution(labId: string): Promise<void>;
  /** Told of every verify run; resolves once the result is sent or queued, and never rejects. */
  verified(run: VerifyRun): Promise<void>;
}
