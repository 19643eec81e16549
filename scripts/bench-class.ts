// The class server under a room's load: 200 learners report a lab's checkpoints at the same
// moment; how long until the dashboard's event stream shows each of them, and the server's memory.
// The server runs as `npx workshop class start` in its own process, so its memory is its own.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/engine/paths.ts';
import { loadLab } from '../src/engine/registry.ts';

type Row = (what: string, figure: string, budget: string) => void;

const LEARNERS = 200;
const ROUNDS = 5;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Resident and peak memory of a process, from /proc (Linux). */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

export async function benchClass(row: Row): Promise<void> {
  const state = await mkdtemp(join(tmpdir(), 'workshop-bench-class-'));
  const server = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'workshop.mjs'), 'class', 'start', '--port', '0', '--name', 'Bench class'],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1', WORKSHOP_STATE_DIR: state },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    while (!/Dashboard:/.test(output)) {
      if (server.exitCode !== null) throw new Error(`class start stopped:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [, url, code] = /npx workshop join (\S+) --code (\S+)/.exec(output)!;
    const token = /token=([\w-]+)/.exec(output)![1];
    const idle = await memoryOf(server.pid!);

    const lab = await loadLab('lab-1');
    const learners = await Promise.all(
      Array.from({ length: LEARNERS }, async (_, i) => {
        const response = await fetch(`${url}/class/join`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code, name: `Learner ${i}`, prefix: `l${i}` }),
        });
        if (response.status !== 201) throw new Error(`join ${i}: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { token: string; learner: { id: string; name: string } };
        return { id: body.learner.id, name: body.learner.name, token: body.token };
      }),
    );

    // The dashboard: the live stream, noting when each learner's results arrive.
    const arrived = new Map<string, number>();
    const waiters = new Set<() => void>();
    const wake = () => {
      for (const waiter of waiters) waiter();
      waiters.clear();
    };
    const stream = await fetch(`${url}/class/stream`, { headers: { authorization: `Bearer ${token}` } });
    void (async () => {
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: '' })); // the server stopped
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          const event = data ? JSON.parse(data) : undefined;
          if (event?.type === 'results') arrived.set(event.learnerId, performance.now());
        }
        wake();
      }
    })();

    const load = loadavg()[0];
    const latencies: number[] = [];
    const wholeRoom: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      arrived.clear();
      const sent = new Map<string, number>();
      const started = performance.now();
      // Every learner presses Check at once: the lab's checkpoints, one failing.
      await Promise.all(
        learners.map(async (learner, i) => {
          sent.set(learner.id, performance.now());
          const checkpoints = lab.checkpoints.map((c, n) => ({
            id: c.id,
            step: c.step,
            ok: n !== (i + round) % lab.checkpoints.length,
            durationMs: 20 + n,
          }));
          const response = await fetch(`${url}/class/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-class-code': code, authorization: `Bearer ${learner.token}` },
            body: JSON.stringify({
              id: randomUUID(),
              learner: learner.name,
              kind: 'verify',
              at: Date.now(),
              sentAt: Date.now(),
              lab: lab.id,
              durationMs: 300,
              checkpoints,
            }),
          });
          if (response.status !== 200) throw new Error(`report: ${response.status} ${await response.text()}`);
          await response.arrayBuffer();
        }),
      );
      const deadline = Date.now() + 30_000;
      while (arrived.size < LEARNERS && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          waiters.add(resolve);
          setTimeout(resolve, 100);
        });
      }
      if (arrived.size < LEARNERS) throw new Error(`round ${round}: the stream showed ${arrived.size} of ${LEARNERS} learners`);
      for (const [id, at] of arrived) latencies.push(at - sent.get(id)!);
      wholeRoom.push(Math.max(...arrived.values()) - started);
    }
    const loaded = await memoryOf(server.pid!);
    // Learners' machines, the server and the dashboard share this one here: read the figures against the load.
    row(`class: load average of this machine when the rounds started`, load.toFixed(1), '');
    row(`class: ${LEARNERS} learners report at once → on the dashboard, p50 (n=${latencies.length})`, ms(percentile(latencies, 50)), '');
    row(`class: ${LEARNERS} learners report at once → on the dashboard, p99`, ms(percentile(latencies, 99)), '≤ 1000 ms');
    row(`class: until the dashboard shows all ${LEARNERS}, median of ${ROUNDS} rounds`, ms(percentile(wholeRoom, 50)), '');
    row('class server memory, idle (RSS)', `${Math.round(idle.rss)} MiB`, '');
    row(
      `class server memory with ${LEARNERS} learners, after ${ROUNDS} rounds (RSS / peak)`,
      `${Math.round(loaded.rss)} / ${Math.round(loaded.peak)} MiB`,
      '',
    );
    await stream.body?.cancel().catch(() => undefined);
  } finally {
    server.kill('SIGINT');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(state, { recursive: true, force: true });
  }
}

// Run alone: node --import tsx scripts/bench-class.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  benchClass((what, figure, budget) =>
    console.log(`${what.padEnd(72)} ${figure.padStart(16)}   ${budget ? `budget ${budget}` : ''}`),
  ).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
