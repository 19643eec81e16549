import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

export type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/**
 * One TCP port that speaks both HTTP/1.1 and HTTP/2 cleartext. The Kinesis SDK client opens
 * with the HTTP/2 preface while every other client speaks HTTP/1.1; the first bytes of a
 * connection tell which server gets it.
 */
export function createDualProtocolServer(handler: RequestHandler): net.Server & { closeAll(): Promise<void> } {
  const h1 = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, handler);
  const h2 = http2.createServer({}, handler);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const head: Buffer | null = socket.read(Math.min(socket.readableLength, HTTP2_PREFACE.length)) ?? socket.read();
      if (!head) {
        socket.destroy();
        return;
      }
      socket.unshift(head);
      const server = head.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE) ? h2 : h1;
      server.emit('connection', socket);
    });
    socket.on('error', () => socket.destroy());
  });
  // Keep-alive connections would hold a plain close() open for a minute: stopping ends them.
  return Object.assign(server, {
    closeAll: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  });
}

/** Listens on `port` (0 = any free port) at `host`; rejects with a message that names a taken port. */
export function listen(server: net.Server, port: number, host: string, what: string, portHint: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${port} is already in use, so the ${what} cannot listen on it. Stop whatever uses it, or choose another port with ${portHint}.`,
          ),
        );
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
