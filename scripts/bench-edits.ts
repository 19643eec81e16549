// The learner's loop, timed: edit labs/<lab>/stack.ts, deploy. Unlike a redeploy between two
// steps of the solution (whose modules the warm server keeps), each edit is a file the server has
// never seen: it is imported, synthesized and deployed. The edits go to a copy of labs/ (the
// learner's files stay as they are), deployed under the same stack name as the other rows.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { learnerFileAtStep } from '../labs/kit/steps/index.ts';
import type { Target } from '../labs/kit/target.ts';
import { LabEngine, labsIn } from '../src/engine/engine.ts';
import type { EngineEvent } from '../src/engine/events.ts';
import { STATE_DIR } from '../src/engine/paths.ts';
import { LABS_DIR } from '../src/engine/registry.ts';

type Row = (what: string, figure: string, budget: string) => void;
const quiet = (_: EngineEvent) => undefined;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * For each lab with a stack: stack.ts written as the solution after the last step but one, then
 * after the last step, `rounds` times each, every write with a comment of its own (a new file to
 * the server); the median time from the write to the deployed stack.
 */
export async function benchEditedRedeploys(target: Target, row: Row, rounds = 3): Promise<void> {
  // Inside the project, so that the copy's imports of aws-cdk-lib resolve.
  const root = join(STATE_DIR, `bench-labs-${process.pid}`);
  mkdirSync(root, { recursive: true });
  cpSync(LABS_DIR, root, { recursive: true });
  const engine = new LabEngine(target, labsIn(root));
  try {
    for (const lab of (await engine.labs()).filter((l) => l.hasStack)) {
      const stackFile = join(root, lab.slug, 'stack.ts');
      const solution = readFileSync(join(root, lab.slug, 'solution', 'stack.ts'), 'utf8');
      const last = lab.steps.length;
      let edits = 0;
      const deployAfterEdit = async (step: number) => {
        writeFileSync(stackFile, `${learnerFileAtStep(solution, step)}// edit ${++edits}\n`);
        const started = performance.now();
        if (!(await engine.deploy(lab.id, { solution: false }, quiet))) throw new Error(`deploy of ${lab.id}'s edited stack.ts failed`);
        return performance.now() - started;
      };
      await deployAfterEdit(last);
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) times.push(await deployAfterEdit(last - 1), await deployAfterEdit(last));
      row(`${lab.id}: warm redeploy after an edit to stack.ts, median`, `${median(times).toFixed(1)} ms`, '≤ 300 ms');
      await engine.destroy(lab.id, quiet);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
