#!/usr/bin/env node
// Entry point of the `workshop` command (and of `npm start` / `npm test`).
// It must run on whatever Node the user has: the labs and the local cloud need Node 22 or newer
// (fauxqs imports node:sqlite, the ASL interpreter uses Promise.withResolvers), so on an older
// Node we re-run ourselves on the Node binary that the `node` npm package installed beside us.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 22;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major >= MIN_MAJOR) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv.slice(2));
} else {
  const candidates = [join(root, 'node_modules', 'node', 'bin', 'node'), join(root, 'node_modules', '.bin', 'node')];
  const bundled = candidates.find((file) => existsSync(file));
  if (!bundled) {
    console.error(
      `workshop: Node.js ${process.versions.node} is too old (need ${MIN_MAJOR} or newer) and the bundled ` +
        `Node.js runtime is missing. Run "npm install" in ${root} first.`,
    );
    process.exit(1);
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
