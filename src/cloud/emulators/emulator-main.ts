import type http from 'node:http';
import type net from 'node:net';
import { createDynalite } from './dynalite.ts';
import type { ChildEmulator } from './emulator-process.ts';
import { createKinesalite } from './kinesalite.ts';

// One emulator in this process: started, listening on the port it is given (0 the first time, the
// same one after a restart), stopped (saving what it keeps) when the cloud asks, and gone when the
// cloud's process is.
const { emulator, port } = JSON.parse(process.argv[2]) as { emulator: ChildEmulator; port: number };

async function main(): Promise<void> {
  const server: http.Server = emulator.kind === 'dynalite' ? createDynalite(emulator.options) : await createKinesalite(emulator.options);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  process.send!({ type: 'listening', port: (server.address() as net.AddressInfo).port });
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    // The gateway keeps connections alive: close them, or close() would wait for them.
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: Error) => {
  process.send?.({ type: 'failed', error: error.message });
  process.exit(1);
});
