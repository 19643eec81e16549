// The long forms of the reliability suite (the short one runs in npm test):
//   npm run fuzz [-- --seed N --count N]            a seeded fuzz corpus over every protocol
//   npm run soak [-- --seed N --kills N --orders N] SIGKILLs at random moments, then a soak
// Each prints what it found; the exit status is 1 when anything was lost, crashed or not AWS-shaped.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CloudMemory } from '../src/cloud/memory.ts';
import { ChildCloud } from '../src/cloud/testing/reliability/child-cloud.ts';
import { crashAndRestart } from '../src/cloud/testing/reliability/crash.ts';
import { fuzz } from '../src/cloud/testing/reliability/fuzz.ts';
import { soak } from '../src/cloud/testing/reliability/soak.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    count: { type: 'string', default: '50000' },
    kills: { type: 'string', default: '20' },
    orders: { type: 'string', default: '5000' },
    replay: { type: 'string' },
  },
});
const seed = Number(values.seed);
const mib = (bytes: number) => `${Math.round(bytes / 1_048_576)} MiB`;
const memoryLine = (memory: CloudMemory) => {
  const lambdas = memory.children.filter((c) => c.what.startsWith('lambda '));
  const emulators = memory.children.filter((c) => !c.what.startsWith('lambda '));
  return `${mib(memory.totalBytes)} in all: cloud ${mib(memory.processRssBytes)}, emulators ${mib(emulators.reduce((s, c) => s + c.rssBytes, 0))}, ${lambdas.length} Lambda environments ${mib(lambdas.reduce((s, c) => s + c.rssBytes, 0))}`;
};

async function main(): Promise<boolean> {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-reliability-'));
  const cloud = new ChildCloud(dataDir);
  await cloud.start();
  try {
    if (positionals[0] === 'fuzz') {
      const count = Number(values.count);
      console.log(
        `Fuzzing ${cloud.endpoint} with ${count} requests, seed ${seed} (replay one: npm run fuzz -- --seed ${seed} --replay 17,42)`,
      );
      const started = performance.now();
      let reported = 0;
      const figures = await fuzz(cloud, {
        seed,
        count,
        only: values.replay?.split(',').map(Number),
        progress: (done) => {
          if (done < reported + 5_000) return;
          reported = done - (done % 5_000);
          console.log(`  ${reported} requests`);
        },
      });
      console.log(`\nrequests tried            ${figures.tried} (in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
      console.log(`answered "not emulated"   ${figures.notEmulated} (501, AWS-shaped, by design)`);
      console.log(`other 5xx                 ${figures.serverErrors}`);
      console.log(`not AWS-shaped            ${figures.notAwsShaped.length}`);
      console.log(`crashes                   ${figures.crashes.length}`);
      console.log(
        `memory before / peak / after  ${mib(figures.rssBeforeBytes)} / ${mib(figures.rssPeakBytes)} / ${mib(figures.rssAfterBytes)}`,
      );
      for (const sample of [...figures.crashes, ...figures.notAwsShaped, ...figures.serverErrorSamples].slice(0, 20))
        console.log(`  ${JSON.stringify(sample)}`);
      return figures.crashes.length === 0 && figures.notAwsShaped.length === 0 && figures.serverErrors === 0;
    }
    if (positionals[0] === 'soak') {
      const kills = Number(values.kills);
      console.log(`Crash and restart: ${kills} SIGKILLs of a cloud under a mixed workload, seed ${seed}`);
      const crash = await crashAndRestart(cloud, { seed, kills, progress: (line) => console.log(`  ${line}`) });
      console.log(`acknowledged writes ${crash.acknowledged}, lost ${crash.lost.length} across ${crash.kills} kills`);
      console.log(`  by kind: ${JSON.stringify(crash.byKind)}`);
      for (const lost of crash.lost.slice(0, 20)) console.log(`  lost: ${lost}`);
      const orders = Number(values.orders);
      console.log(`\nSoak: ${orders} orders through fan-out, an event source mapping, a saga and a plain queue`);
      const figures = await soak(cloud, { orders, progress: (line) => console.log(`  ${line}`) });
      console.log(
        `${'path'.padEnd(18)} ${'sent'.padStart(7)} ${'received'.padStart(9)} ${'lost'.padStart(6)} ${'duplicated'.padStart(11)}`,
      );
      for (const [path, p] of Object.entries(figures.paths))
        console.log(
          `${path.padEnd(18)} ${String(p.sent).padStart(7)} ${String(p.received).padStart(9)} ${String(p.lost).padStart(6)} ${String(p.duplicated).padStart(11)}`,
        );
      console.log(`wrong saga outcomes ${figures.wrongOutcomes.length}; ${figures.seconds.toFixed(0)} s`);
      console.log(`memory before  ${memoryLine(figures.memoryBefore)}`);
      console.log(`memory peak    ${memoryLine(figures.memoryPeak)}`);
      console.log(`memory after   ${memoryLine(figures.memoryAfter)}`);
      const clean = Object.values(figures.paths).every((p) => p.lost === 0 && p.duplicated === 0);
      return crash.lost.length === 0 && clean && figures.wrongOutcomes.length === 0;
    }
    console.error('Usage: npm run fuzz [-- --seed N --count N --replay i,j] | npm run soak [-- --seed N --kills N --orders N]');
    return false;
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
