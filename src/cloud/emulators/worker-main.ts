import type http from 'node:http';
import type net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { createDynalite } from './dynalite.ts';
import { createKinesalite } from './kinesalite.ts';
import type { WorkerEmulator } from './worker-host.ts';

// One emulator in this thread: started, listening on the port it is given (0 the first time, the
// same one after a restart), stopped (saving what it keeps) when the host asks.
const { emulator, port } = workerData as { emulator: WorkerEmulator; port: number };

async function main(): Promise<void> {
  const server: http.Server = emulator.kind === 'dynalite' ? createDynalite(emulator.options) : await createKinesalite(emulator.options);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  parentPort!.postMessage({ type: 'listening', port: (server.address() as net.AddressInfo).port });
  parentPort!.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    // The gateway keeps connections alive: close them, or close() would wait for them.
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  parentPort!.postMessage({ type: 'failed', error: error.message });
  process.exit(1);
});
