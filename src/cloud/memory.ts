import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the local cloud holds in memory: its own process, and the processes it runs (emulators, Lambda environments). */
export interface CloudMemory {
  /** Resident memory of the cloud's process, in bytes. */
  processRssBytes: number;
  /** Each process the cloud runs: dynalite, kinesalite, every Lambda execution environment alive. */
  children: { pid: number; what: string; rssBytes: number }[];
  /** All of it together. */
  totalBytes: number;
}

/** The resident memory of other processes, in bytes: /proc where there is one (Linux), `ps` elsewhere (macOS). */
async function rssOf(pids: number[]): Promise<Map<number, number>> {
  const sizes = new Map<number, number>();
  if (pids.length === 0) return sizes;
  try {
    for (const pid of pids) {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
      const kib = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      if (kib) sizes.set(pid, Number(kib) * 1024);
    }
    if (sizes.size > 0 || process.platform === 'linux') return sizes;
    const { stdout } = await run('ps', ['-o', 'pid=,rss=', '-p', pids.join(',')]);
    for (const line of stdout.trim().split('\n')) {
      const [pid, kib] = line.trim().split(/\s+/).map(Number);
      if (pid && kib) sizes.set(pid, kib * 1024);
    }
  } catch {
    // a process that ended meanwhile is simply not counted
  }
  return sizes;
}

/** Measures the cloud's memory: this process, and the processes it runs (`children`: pid and what it is). */
export async function measureMemory(children: { pid: number; what: string }[]): Promise<CloudMemory> {
  const processRssBytes = process.memoryUsage().rss;
  const sizes = await rssOf(children.map((c) => c.pid));
  const measured = children.flatMap((c) => (sizes.has(c.pid) ? [{ ...c, rssBytes: sizes.get(c.pid)! }] : []));
  return { processRssBytes, children: measured, totalBytes: processRssBytes + measured.reduce((sum, c) => sum + c.rssBytes, 0) };
}
