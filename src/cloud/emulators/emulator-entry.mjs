// The entry of an emulator's own process (see emulator-process.ts). It runs the TypeScript of
// emulator-main.ts through tsx when the process was not started with it (bin/workshop.mjs
// registers tsx in code, which a child process does not inherit).
try {
  await import('./emulator-main.ts');
} catch (error) {
  if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  const { register } = await import('tsx/esm/api');
  register();
  await import('./emulator-main.ts');
}
