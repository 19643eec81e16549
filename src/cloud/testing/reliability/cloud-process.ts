// The local cloud as a process of its own, for tests that kill it (SIGKILL) or must survive it
// crashing: started with `--port` and `--data-dir`, it prints one JSON line ({ endpoint, pid })
// once it serves, and stops cleanly on SIGTERM.
import { parseArgs } from 'node:util';
import { startCloud } from '../../cloud.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    persist: { type: 'string', default: 'true' },
  },
});
if (!values['data-dir']) throw new Error('cloud-process: --data-dir is required');

const cloud = await startCloud({
  port: Number(values.port),
  dataDir: values['data-dir'],
  persist: values.persist !== 'false',
  asyncRetryDelaysMs: [50, 100],
  stepFunctionsTimeScale: 0.01,
});
process.stdout.write(`${JSON.stringify({ endpoint: cloud.endpoint, pid: process.pid })}\n`);
process.once('SIGTERM', () => {
  cloud.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
