import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Launcher } from './launcher.ts';

// A process that says who started it, echoes what it is sent, prints, and exits when asked.
const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
const ECHO = join(dir, 'echo.cjs');
writeFileSync(
  ECHO,
  `process.send({ ppid: process.ppid, heap: process.execArgv.join(' '), cwd: process.cwd(), greeting: process.env.GREETING });
process.on('message', (m) => {
  if (m.exit !== undefined) process.exit(m.exit);
  console.log('printed ' + m.text);
  process.send({ echo: m });
});
`,
);

test("the launcher starts a process that is not this process's child, and relays its messages, output and exit", async () => {
  const launcher = new Launcher();
  const child = launcher.launch(ECHO, {
    cwd: dir,
    env: { GREETING: 'hi', PATH: process.env.PATH ?? '' },
    execArgv: ['--max-old-space-size=64'],
  });
  const [hello] = (await once(child, 'message')) as [{ ppid: number; heap: string; cwd: string; greeting: string }];
  assert.notEqual(hello.ppid, process.pid, 'forked by the launcher, not by this process');
  assert.equal(hello.greeting, 'hi');
  assert.equal(hello.heap, '--max-old-space-size=64');
  assert.ok(child.pid && child.pid > 0);

  const printed = once(child.stdout, 'data');
  child.send({ text: 'a message', when: new Date(0) });
  const [echoed] = (await once(child, 'message')) as [{ echo: { text: string; when: Date } }];
  assert.deepEqual(echoed.echo, { text: 'a message', when: new Date(0) }, 'structured data survives both hops');
  assert.match(String((await printed)[0]), /printed a message/);

  const exited = once(child, 'exit');
  child.send({ exit: 3 });
  assert.deepEqual(await exited, [3, null]);
});

test('a process the launcher kills reports its signal', async () => {
  const launcher = new Launcher();
  const child = launcher.launch(ECHO, { cwd: dir, env: {}, execArgv: [] });
  await once(child, 'message');
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  assert.deepEqual(await exited, [null, 'SIGKILL']);
});
