// Starts the local Lambda execution environments on behalf of the cloud's process, and relays
// between them. Starting a process forks its parent first, and a fork copies the parent's page
// tables: from the cloud's process (several hundred MB once the CDK is loaded) each start held its
// event loop for 15–100 ms, which every other request and event waited out. This process stays
// small, so its forks take a millisecond or two, and the cloud's process only sends it a message.
// Plain CommonJS, like the bootstrap it starts.
'use strict';
const { fork } = require('node:child_process');

/** The environments it started, by the id the cloud's process gave each. */
const children = new Map();

function tell(message) {
  if (process.connected) process.send(message);
}

function start({ id, module, cwd, env, execArgv }) {
  let child;
  try {
    child = fork(module, [], { cwd, env, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
  } catch (error) {
    tell({ id, type: 'exit', code: null, signal: null, error: String(error?.message) });
    return;
  }
  children.set(id, child);
  tell({ id, type: 'spawned', pid: child.pid });
  child.stdout.on('data', (chunk) => tell({ id, type: 'output', data: chunk.toString('utf8') }));
  child.stderr.on('data', (chunk) => tell({ id, type: 'output', data: chunk.toString('utf8') }));
  child.on('message', (message) => tell({ id, type: 'message', message }));
  // A failed start also ends with 'exit', which says so.
  child.on('error', () => undefined);
  child.on('exit', (code, signal) => {
    children.delete(id);
    tell({ id, type: 'exit', code, signal });
  });
}

process.on('message', (request) => {
  if (request.type === 'spawn') start(request);
  else if (request.type === 'send') {
    const child = children.get(request.id);
    if (child?.connected) child.send(request.message);
  } else if (request.type === 'kill') children.get(request.id)?.kill(request.signal);
});

// The cloud's process is gone: so are its environments.
process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});
