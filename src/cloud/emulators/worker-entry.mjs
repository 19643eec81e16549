// The entry of an emulator's worker thread (see worker-host.ts). Workers do not inherit a module
// loader registered in code (bin/workshop.mjs registers tsx that way), so the TypeScript of the
// worker is loaded through tsx when the thread cannot load it by itself.
try {
  await import('./worker-main.ts');
} catch (error) {
  if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker-main.ts');
}
