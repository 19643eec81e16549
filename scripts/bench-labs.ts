// Deploy figures of every lab with a stack, through the same engine the CLI and the site use:
// a deploy from nothing (warm process and cold CLI), a redeploy after a one-line change, a destroy.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LabEngine } from '../src/engine/engine.ts';
import type { EngineEvent } from '../src/engine/events.ts';
import { PROJECT_ROOT } from '../src/engine/paths.ts';

const run = promisify(execFile);
const quiet = (_: EngineEvent) => undefined;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(1)} ms`;

type Row = (what: string, figure: string, budget: string) => void;

async function timed(work: () => Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  if (!(await work())) throw new Error(`${what} failed`);
  return performance.now() - started;
}

/**
 * `verify <lab>` on the full solution, warm: the first run (functions starting cold) is not
 * counted, then the median of three. Says how many checkpoints passed, so a figure of a failing
 * run is not taken for a good one.
 *
 * A learner does not verify again the moment a verify ends: the runs are a spread pause apart
 * (0, ⅓ and ⅔ of a second). Back to back, the previous run's last batch would set where each
 * verify falls in a mapping's batching window (Lab 2's is a second), the same place every time.
 */
async function benchVerify(engine: LabEngine, labId: string, row: Row, deploy?: () => Promise<boolean>, rounds = 3): Promise<void> {
  if (deploy && !(await deploy())) throw new Error(`deploy ${labId} failed`);
  let summary = '';
  // Each checkpoint's time (from the one before it), summed over the counted runs.
  const spent = new Map<string, number>();
  let counting = false;
  const verify = () => {
    let last = performance.now();
    return engine.verify(labId, (event) => {
      if (event.type === 'done') summary = `${event.passed}/${event.total}`;
      if (event.type === 'checkpoint' && counting) spent.set(event.id, (spent.get(event.id) ?? 0) + performance.now() - last);
      last = performance.now();
    });
  };
  await verify();
  counting = true;
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setTimeout(resolve, (i * 1000) / rounds));
    times.push(
      await timed(async () => {
        await verify();
        return true;
      }, `verify ${labId}`),
    );
  }
  row(`${labId}: verify (all checkpoints, warm), median`, `${ms(median(times))} (${summary} pass)`, '≤ 1000 ms');
  const slowest = [...spent].sort((a, b) => b[1] - a[1]).slice(0, 3);
  row(
    `${labId}: verify, its slowest checkpoints (mean)`,
    slowest.map(([id, total]) => `${id} ${Math.round(total / rounds)} ms`).join(', '),
    '',
  );
  if (deploy) await engine.destroy(labId, quiet);
}

/**
 * For each lab: a warm deploy of the full solution onto nothing, a redeploy changed by one step
 * ("solution up to the last step but one" against the full solution: the learner's files are not
 * touched), a destroy, and the same deploy and destroy from a cold CLI process.
 */
export async function benchLabDeploys(engine: LabEngine, cloud: { port: number }, row: Row, rounds = 3): Promise<void> {
  for (const lab of await engine.labs()) {
    if (!lab.hasStack) {
      row(`${lab.id}: deploy`, 'no stack', '(nothing to deploy)');
      await benchVerify(engine, lab.id, row);
      continue;
    }
    const full = { solution: true, step: Number.POSITIVE_INFINITY } as const;
    const oneStepLess = { solution: true, step: Math.max(0, lab.steps.length - 1) } as const;
    await engine.destroy(lab.id, quiet);
    const deploys: number[] = [];
    const redeploys: number[] = [];
    const destroys: number[] = [];
    for (let i = 0; i < rounds; i++) {
      deploys.push(await timed(() => engine.deploy(lab.id, full, quiet), `deploy ${lab.id}`));
      redeploys.push(await timed(() => engine.deploy(lab.id, oneStepLess, quiet), `redeploy ${lab.id}`));
      redeploys.push(await timed(() => engine.deploy(lab.id, full, quiet), `redeploy ${lab.id}`));
      destroys.push(await timed(() => engine.destroy(lab.id, quiet), `destroy ${lab.id}`));
    }
    row(`${lab.id}: warm deploy onto nothing, median`, ms(median(deploys)), '');
    row(`${lab.id}: warm redeploy, one step changed, median`, ms(median(redeploys)), '≤ 300 ms');
    row(`${lab.id}: warm destroy, median`, ms(median(destroys)), '');
    await benchVerify(engine, lab.id, row, () => engine.deploy(lab.id, full, quiet));
    const cli = (command: string, ...args: string[]) =>
      run(
        process.execPath,
        [join(PROJECT_ROOT, 'bin', 'workshop.mjs'), command, lab.id, ...args, '--port', String(cloud.port), '--prefix', 'bench'],
        { cwd: PROJECT_ROOT },
      );
    let started = performance.now();
    await cli('deploy', '--solution');
    row(`${lab.id}: cold CLI deploy onto nothing`, ms(performance.now() - started), '≤ 3000 ms');
    started = performance.now();
    await cli('destroy');
    row(`${lab.id}: cold CLI destroy`, ms(performance.now() - started), '');
  }
}
