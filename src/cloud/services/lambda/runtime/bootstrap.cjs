// The runtime inside one local Lambda execution environment (a child process per environment).
// It plays the part of AWS's Node.js runtime interface client: loads the handler once during
// init, then runs one invocation at a time on request of the parent, over the IPC channel.
// Plain CommonJS so that it runs unchanged whatever the function's own module format is.
'use strict';
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

// Names under "localhost." are loopback names (RFC 6761): browsers and systemd-resolved answer
// them so, but Node asks the system's resolver, which often knows only "localhost" itself. The
// local cloud's queue URLs are such names (http://sqs.<region>.localhost:<port>/<account>/<name>),
// and the JavaScript SDK sends a request to the queue's own URL when it differs from the client's
// endpoint: without this, a handler could not use a queue URL it was given.
const dns = require('node:dns');
const systemLookup = dns.lookup;
dns.lookup = function lookup(hostname, ...rest) {
  if (typeof hostname !== 'string' || !hostname.toLowerCase().endsWith('.localhost')) return systemLookup.call(this, hostname, ...rest);
  const [options, callback] = rest;
  const done = typeof options === 'function' ? options : callback;
  const wanted = typeof options === 'object' && options ? options : { family: typeof options === 'number' ? options : 0 };
  const address = wanted.family === 6 ? { address: '::1', family: 6 } : { address: '127.0.0.1', family: 4 };
  process.nextTick(() => (wanted.all ? done(null, [address]) : done(null, address.address, address.family)));
  return {};
};

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handlerSpec = process.env._HANDLER || '';
let currentRequestId;

function send(message) {
  if (process.connected) process.send(message);
}

// AWS's runtime prefixes every console line with time, request id and level, and sends it to CloudWatch Logs.
for (const [method, level] of [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
]) {
  console[method] = (...args) => {
    const text = util.format(...args);
    const line = `${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${text}`;
    send({ type: 'log', line });
  };
}

function serializeError(error) {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack || '').split('\n') };
  }
  return {
    errorType: typeof error === 'object' && error ? 'object' : 'string',
    errorMessage: typeof error === 'string' ? error : JSON.stringify(error),
    trace: [],
  };
}

async function loadHandler() {
  const dot = handlerSpec.lastIndexOf('.');
  if (dot <= 0) {
    throw Object.assign(new Error(`Bad handler ${handlerSpec}: expected <file>.<export>`), { name: 'Runtime.MalformedHandlerName' });
  }
  const modulePath = path.resolve(taskRoot, handlerSpec.slice(0, dot));
  const exportName = handlerSpec.slice(dot + 1);
  let moduleExports;
  const candidates = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext);
  const fs = require('node:fs');
  const file = candidates.find((candidate) => fs.existsSync(candidate));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${handlerSpec.slice(0, dot)}'`), { name: 'Runtime.ImportModuleError' });
  }
  try {
    moduleExports = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
  } catch (error) {
    error.name = error.name === 'Error' ? 'Runtime.ImportModuleError' : error.name;
    throw error;
  }
  const handler = moduleExports?.[exportName] ?? moduleExports?.default?.[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerSpec.slice(0, dot)}.${exportName} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler;
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    send({ type: 'init-error', error: serializeError(error) });
    return;
  }
  send({ type: 'ready' });
  process.on('message', async (message) => {
    if (message.type !== 'invoke') return;
    currentRequestId = message.requestId;
    const deadline = message.deadline;
    const context = {
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      invokedFunctionArn: message.invokedFunctionArn,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: message.requestId,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let settled = false;
    const finish = (error, result) => {
      if (settled) return;
      settled = true;
      const memoryMb = Math.round(process.memoryUsage().rss / 1048576);
      if (error !== undefined && error !== null)
        send({ type: 'result', requestId: message.requestId, memoryMb, error: serializeError(error) });
      else send({ type: 'result', requestId: message.requestId, memoryMb, result: result === undefined ? null : result });
    };
    context.done = finish;
    context.succeed = (result) => finish(null, result);
    context.fail = (error) => finish(error ?? new Error('handled'));
    try {
      const returned = handler(message.event, context, finish);
      if (returned && typeof returned.then === 'function') finish(null, await returned);
      else if (handler.length < 3) finish(null, returned);
    } catch (error) {
      finish(error);
    }
  });
}

process.on('uncaughtException', (error) => {
  console.error(`Uncaught Exception \t${JSON.stringify(serializeError(error))}`);
  send({ type: 'crash', error: serializeError(error) });
  process.exit(129);
});
process.on('unhandledRejection', (reason) => {
  console.error(`Unhandled Promise Rejection \t${JSON.stringify(serializeError(reason))}`);
  send({ type: 'crash', error: serializeError(reason) });
  process.exit(128);
});

main();
// The cloud that started this environment is gone (stopped, or killed): so is the environment,
// rather than linger as an orphan process holding memory.
process.on('disconnect', () => process.exit(0));
