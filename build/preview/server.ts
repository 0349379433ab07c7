/**
 * The preview's web server: node:http on 127.0.0.1 (another interface only when --host names
 * it), sirv for the page's own files and pdf.js, server-sent events to tell open pages that
 * something changed. The page loads nothing from anywhere else. Every answer is marked
 * `Cache-Control: no-store`, so a reload never shows a page from before the last build.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import sirv from 'sirv';
import { BookError } from '../errors.ts';
import { BUILDER_ROOT } from '../paths.ts';
import type { PreviewStore } from './store.ts';

const require = createRequire(import.meta.url);

export interface PreviewServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const notFound = (res: ServerResponse): void => {
  res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found (the book may have changed since this page was loaded).\n');
};

const noStore = (res: ServerResponse): void => {
  res.setHeader('Cache-Control', 'no-store');
};

/**
 * The folders of pdfjs-dist the page uses: the library and its worker (the legacy build, which
 * runs in browsers a few years old too), the text layer's stylesheet, fonts and decoders.
 */
const PDFJS_FOLDERS = ['/legacy/build/', '/legacy/web/', '/standard_fonts/', '/wasm/', '/cmaps/'];

export async function startServer(store: PreviewStore, options: { host: string; port: number; outDir: string }): Promise<PreviewServer> {
  const page = sirv(path.join(BUILDER_ROOT, 'assets', 'preview'), { dev: true, setHeaders: noStore });
  const pdfjs = sirv(path.dirname(require.resolve('pdfjs-dist/package.json')), { dev: true, setHeaders: noStore });
  const outputs = sirv(options.outDir, { dev: true, setHeaders: noStore });
  const clients = new Set<ServerResponse>();

  const send = (res: ServerResponse, version: number): void => {
    res.write(`event: state\ndata: ${JSON.stringify({ version })}\n\n`);
  };
  const unsubscribe = store.onChange((state) => {
    for (const res of clients) send(res, state.version);
  });
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': still here\n\n');
  }, 15_000);

  let allowedHosts: Set<string> = new Set();
  // Bound to this machine only, the preview answers only to this machine's names (no DNS rebinding);
  // bound to a network with --host, to whatever name the network uses.
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(options.host);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    // Another site open in the same browser may not read the book through a name that points here.
    if (loopback && !allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('This preview answers only to its own address.\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://preview');
    const at = url.pathname;
    noStore(res);
    if (at === '/drawn' && req.method === 'POST') {
      // The page has drawn the pages it shows of this state (see PreviewStore.untilDrawn).
      store.drawn(Number(url.searchParams.get('version')));
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (at === '/' || at === '/index.html') {
      req.url = '/index.html';
      page(req, res, () => notFound(res));
      return;
    }
    if (at === '/state.json') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(store.state));
      return;
    }
    if (at === '/anchor') {
      // Where a link on the pages leads (its target may be in a part not drawn yet).
      const anchor = store.anchor(url.searchParams.get('id') ?? '');
      if (!anchor) return notFound(res);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(anchor));
      return;
    }
    if (at === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'Cache-Control': 'no-store' });
      // EventSource reconnects by itself, a second after a lost connection (a restarted preview).
      res.write('retry: 1000\n\n');
      send(res, store.state.version);
      clients.add(res);
      store.viewers = clients.size;
      req.on('close', () => {
        clients.delete(res);
        store.viewers = clients.size;
      });
      return;
    }
    if (at.startsWith('/preview/')) {
      req.url = at.slice('/preview'.length);
      page(req, res, () => notFound(res));
      return;
    }
    if (at.startsWith('/pdfjs/')) {
      const rest = at.slice('/pdfjs'.length);
      if (!PDFJS_FOLDERS.some((f) => rest.startsWith(f)) || rest.includes('..')) {
        res.writeHead(404).end();
        return;
      }
      req.url = rest;
      pdfjs(req, res, () => notFound(res));
      return;
    }
    if (at.startsWith('/outputs/')) {
      const name = decodeURIComponent(at.slice('/outputs/'.length));
      if (!store.state.outputs.some((o) => o.name === name)) {
        res.writeHead(404).end();
        return;
      }
      req.url = `/${encodeURIComponent(name)}`;
      outputs(req, res, () => notFound(res));
      return;
    }
    const file = store.file(decodeURIComponent(at));
    if (file) {
      res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.bytes.byteLength }).end(req.method === 'HEAD' ? undefined : file.bytes);
      return;
    }
    notFound(res);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new BookError(`port ${options.port} on ${options.host} is in use; choose another with --port`)
          : new BookError(`the preview cannot listen on ${options.host}:${options.port}: ${e.message}`),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const names = [shownHost, options.host, 'localhost', '127.0.0.1', '[::1]'];
  allowedHosts = new Set(names.map((h) => `${h}:${address.port}`.toLowerCase()));
  return {
    url: `http://${shownHost}:${address.port}/`,
    host: address.address,
    port: address.port,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
