import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabSummary } from '../engine/engine.ts';
import { catalogueOf, type LabCatalogue } from './catalogue.ts';
import type { ClassEvent } from './types.ts';

/** Two small labs (one with facilitator notes) for tests that do not need the workshop's own. */
export function testCatalogue(): LabCatalogue {
  const labsDir = mkdtempSync(join(tmpdir(), 'class-labs-'));
  const lab = (n: number, checkpoints: [string, number][]): LabSummary => ({
    id: `lab-${n}`,
    slug: `lab-${n}-test`,
    title: `Test lab ${n}`,
    hasStack: false,
    steps: [...new Set(checkpoints.map(([, step]) => step))].map((step) => ({ n: step, title: `Step ${step}` })),
    snippets: [],
    checkpoints: checkpoints.map(([id, step]) => ({ id, step, title: `Checkpoint ${id}`, hint: `Fix ${id}.` })),
  });
  mkdirSync(join(labsDir, 'lab-1-test'), { recursive: true });
  writeFileSync(join(labsDir, 'lab-1-test', 'instructor.md'), '# Lab 1\n\n## Timing\n\n- 30 minutes\n');
  return catalogueOf(
    [
      lab(1, [
        ['topic', 1],
        ['publish', 2],
        ['subscribe', 3],
      ]),
      lab(2, [['queue', 1]]),
    ],
    labsDir,
  );
}

/** A confirmation that always answers `answer`, and keeps the questions it was asked. */
export function answering(answer: boolean): { questions: string[]; confirm: (question: string) => Promise<boolean> } {
  const questions: string[] = [];
  return {
    questions,
    confirm: async (question) => {
      questions.push(question);
      return answer;
    },
  };
}

/** Reads a server-sent event stream into a list, and waits for events in it. */
export function eventReader(response: Response) {
  const events: ClassEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  const decoder = new TextDecoder();
  const done = (async () => {
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        buffer = buffer.slice(end + 2);
        if (data) events.push(JSON.parse(data) as ClassEvent);
        end = buffer.indexOf('\n\n');
      }
      for (const waiter of waiters) waiter();
    }
  })();
  return {
    events,
    done,
    /** Resolves with the first event that `match` accepts, waiting up to `timeoutMs`. */
    async next<T extends ClassEvent = ClassEvent>(match: (event: ClassEvent) => boolean, timeoutMs = 10_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found as T;
        if (Date.now() > deadline) throw new Error(`No matching event within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
          setTimeout(wake, 50);
        });
      }
    },
  };
}
