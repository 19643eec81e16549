import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain',
  '.xml': 'application/xml',
  '.woff2': 'font/woff2',
};

/**
 * Serves a static build as any web server would (`/page` → `/page/index.html`, 404.html for the
 * rest), on loopback. `proxy` forwards one path prefix (the lab API's /api) to another port.
 */
export async function serveStatic(
  root: string,
  proxy?: { prefix: string; port: number },
  port = 0,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (proxy && path.startsWith(proxy.prefix)) {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: proxy.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: `127.0.0.1:${proxy.port}` },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    const safe = normalize(path).replace(/^(\.\.[/\\])+/, '');
    const candidates = [join(root, safe), join(root, safe, 'index.html'), join(root, `${safe}.html`)];
    const file = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (!file) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      createReadStream(join(root, '404.html'))
        .on('error', () => res.end())
        .pipe(res);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${bound}`,
    // Event streams relayed to the lab API stay open: end them, or close would wait for ever.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
