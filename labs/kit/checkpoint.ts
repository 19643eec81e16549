import { randomUUID } from 'node:crypto';
import { labContext } from './context.ts';

/** Thrown by a checkpoint that does not pass; its message says what was found. */
export class CheckpointFailure extends Error {
  override name = 'CheckpointFailure';
}

/** Fails the running checkpoint with `message`. */
export function fail(message: string): never {
  throw new CheckpointFailure(message);
}

/** Fails the running checkpoint with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/** A unique id that a behaviour probe carries, so it finds its own messages and nobody else's. */
export function probeId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * How long behaviour probes wait for a message to land: a local cloud delivers in milliseconds,
 * AWS in up to a few seconds (Kinesis → Lambda p99 is about 1.6 s).
 */
export function probeDeadlineMs(): number {
  return labContext().target.kind === 'local' ? 5_000 : 60_000;
}

/**
 * How long to keep watching for something that must NOT happen, once everything that should
 * happen did. Deliveries of one publish fan out together, so a short grace suffices locally.
 */
export function quietPeriodMs(): number {
  return labContext().target.kind === 'local' ? 250 : 10_000;
}

/**
 * How long SQS's approximate message counts may lag behind a queue. The local cloud's are exact.
 * AWS says they may not be consistent until a minute after the last send, so on AWS a count of 0
 * proves nothing before the quiet period is over.
 */
export function queueCountsLagMs(): number {
  return labContext().target.kind === 'local' ? 0 : quietPeriodMs();
}

/**
 * Polls `probe` until it returns a value other than undefined, or fails with `description` at the
 * deadline. The pause between polls doubles from `intervalMs` up to `maxIntervalMs`: asking the
 * local cloud again is cheap, so there the pause stays short and a checkpoint ends soon after its
 * message lands.
 */
export async function eventually<T>(
  description: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; maxIntervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? probeDeadlineMs();
  const deadline = Date.now() + timeoutMs;
  let interval = options.intervalMs ?? 25;
  const { signal, target } = labContext();
  const maxInterval = options.maxIntervalMs ?? (target.kind === 'local' ? 100 : 1_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) fail(`${description} (waited ${(timeoutMs / 1000).toFixed(1)} s)`);
    if (signal.aborted) fail('cancelled');
    await new Promise((resolve) => setTimeout(resolve, interval));
    interval = Math.min(interval * 2, maxInterval);
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
