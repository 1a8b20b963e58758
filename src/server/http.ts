/**
 * The live view's HTTP server: the page, its assets (vega and vega-lite from the installed
 * packages: nothing from a CDN, the page works offline), the shown folder's state as server-sent
 * events, and the folder's own files.
 *
 * ## Routes (GET and HEAD only; every other method gets 405, every other path 404)
 * - `/` — the page; `/assets/<name>` — its script, stylesheet and the vega bundles;
 * - `/api/state` — the current {@link LiveState} as JSON;
 * - `/api/events` — server-sent events: `state` with the whole {@link LiveState}, at most every
 *   `intervalMs` (400 ms by default) and only when it changed, and a comment every 15 s;
 * - `/files/<name>` and `/files/<run folder>/<name>` — a file of the shown folder with one of the
 *   extensions in {@link FILE_TYPES}, when its real path (symlinks resolved) is inside the folder.
 *
 * Paths are checked before they are routed: an encoded dot, slash, backslash, percent or NUL
 * (`%2e`, `%2f`, `%5c`, `%25`, `%00`, any case) anywhere, a `.` or `..` segment, an empty segment,
 * or a target that does not start with `/` is a 404. Nothing is ever written, started or stopped
 * by a request: the server only reads.
 *
 * Bound to 127.0.0.1 unless `host` says otherwise. On a loopback address it also refuses (403)
 * a request whose `Host` header names another host, so that a web page elsewhere cannot read the
 * data through DNS rebinding.
 *
 * ## It never slows the training
 * Training runs in worker threads (`compare`) or yields every 50 ms (`train`); the server's only
 * work is a poll of the files and one JSON snapshot per tick, and only while a page is connected.
 * Each connection holds at most one unsent snapshot: when the socket's buffer is full (a slow or
 * stalled browser), newer snapshots replace the waiting one rather than queue behind it, and a
 * connection that has not drained for `maxBlockedMs` is closed. Nothing waits for a client.
 * @module
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveModel, type LiveState } from './model.js';
import { FolderWatcher } from './watch.js';

/** The default port of the live view. */
export const DEFAULT_PORT = 8642;

/** The default bind address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';

/** Content types of the folder files that `/files/` serves; any other extension is a 404. */
export const FILE_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
};

/** Options of {@link startLiveServer}. */
export interface LiveServerOptions {
  /** TCP port; 0 picks a free one. @default 8642 */
  readonly port?: number;
  /** Address to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** The folder to show; or call {@link LiveServer.show} later (e.g. once `compare` has made it). */
  readonly dir?: string;
  /** How often the folder is polled and the page updated, in ms. @default 400 */
  readonly intervalMs?: number;
  /** A connection whose socket has not drained for this long is closed, in ms. @default 30000 */
  readonly maxBlockedMs?: number;
}

/** The port is taken; the message names it. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** One connected page, as {@link LiveServer.clients} reports it. */
export interface ClientInfo {
  /** Snapshots written to the socket. */
  readonly sent: number;
  /** Snapshots replaced by a newer one while the socket was full. */
  readonly coalesced: number;
  /** Whether the socket's buffer is full. */
  readonly blocked: boolean;
  /** Bytes in the socket's buffer not yet handed to the OS. */
  readonly buffered: number;
}

/** A running live server. */
export interface LiveServer {
  /** The page's URL, e.g. `http://127.0.0.1:8642/`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The bound address. */
  readonly host: string;
  /** The state shown. */
  readonly model: LiveModel;
  /** Starts showing a folder (once; later calls are ignored). */
  show(dir: string): void;
  /** Polls the folder and updates the pages now, rather than at the next tick. */
  tick(): void;
  /** The connected pages. */
  clients(): ClientInfo[];
  /** Wall-clock milliseconds spent so far in polling, snapshots and requests (the server's whole cost to its thread). */
  busyMs(): number;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

interface Client {
  readonly res: ServerResponse;
  pending: string | undefined;
  blocked: boolean;
  blockedSince: number;
  sent: number;
  coalesced: number;
  /** The state version last handed to this client. */
  version: number;
}

interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** The page's files, from `src/server/page/`, and the vega bundles from node_modules. */
function loadAssets(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  // dist/src/server/http.js → <package>/src/server/page/
  const page = fileURLToPath(new URL('../../../src/server/page/', import.meta.url));
  const vega = join(dirname(require.resolve('vega')), 'vega.min.js');
  const vegaLite = join(dirname(require.resolve('vega-lite')), 'vega-lite.min.js');
  const files: [string, string, string][] = [
    ['/', join(page, 'index.html'), 'text/html; charset=utf-8'],
    ['/assets/app.js', join(page, 'app.js'), 'text/javascript; charset=utf-8'],
    ['/assets/style.css', join(page, 'style.css'), 'text/css; charset=utf-8'],
    ['/assets/vega.min.js', vega, 'text/javascript; charset=utf-8'],
    ['/assets/vega-lite.min.js', vegaLite, 'text/javascript; charset=utf-8'],
  ];
  return new Map(files.map(([route, file, type]) => [route, { type, body: readFileSync(file) }]));
}

/**
 * The request target's path as segments, or undefined when it must be refused (see the module
 * doc): `/files/a.json` → `['files', 'a.json']`, `/` → `[]`.
 */
export function safePath(target: string | undefined): string[] | undefined {
  if (typeof target !== 'string' || !target.startsWith('/')) return undefined;
  const raw = target.split(/[?#]/, 1)[0]!;
  if (/%(2e|2f|5c|25|00)/i.test(raw)) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (/[\\\0%]/.test(path)) return undefined;
  if (path === '/') return [];
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return segments;
}

const FILE_SEGMENT = /^[A-Za-z0-9][\w.-]*$/;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // vega compiles its expressions with Function(), hence 'unsafe-eval'; nothing from another origin.
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
} as const;

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isLoopback(host: string): boolean {
  return host === '::1' || host === 'localhost' || /^127\./.test(host);
}

/**
 * Starts the live server. Rejects with {@link PortInUseError} when the port is taken.
 *
 * ## Example
 * ```ts
 * const server = await startLiveServer({ dir: 'runs/CartPole-v1__compare__0123456789', port: 0 });
 * console.error(`live view: ${server.url}`);
 * // … later
 * await server.close();
 * ```
 */
export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const port = options.port ?? DEFAULT_PORT;
  const host = options.host ?? DEFAULT_HOST;
  const intervalMs = options.intervalMs ?? 400;
  const maxBlockedMs = options.maxBlockedMs ?? 30_000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in [0, 65535], got ${JSON.stringify(port)}`);
  const assets = loadAssets();
  const model = new LiveModel();
  let watcher: FolderWatcher | undefined;
  let root: string | undefined;
  const clients = new Set<Client>();
  let sentVersion = -1;
  let cached: { version: number; state: LiveState; json: string } | undefined;
  const snapshot = (): { state: LiveState; json: string } => {
    if (cached?.version !== model.version || model.stalePoints > 0) {
      const state = model.snapshot();
      cached = { version: model.version, state, json: JSON.stringify(state) };
    }
    return cached;
  };

  const write = (c: Client, chunk: string): void => {
    if (c.res.destroyed) return;
    if (c.blocked) {
      if (c.pending !== undefined) c.coalesced += 1;
      c.pending = chunk;
      if (Date.now() - c.blockedSince > maxBlockedMs) c.res.destroy();
      return;
    }
    c.sent += 1;
    if (!c.res.write(chunk)) {
      c.blocked = true;
      c.blockedSince = Date.now();
      c.res.once('drain', () => {
        c.blocked = false;
        const next = c.pending;
        c.pending = undefined;
        if (next !== undefined) write(c, next);
      });
    }
  };
  const event = (json: string): string => `event: state\ndata: ${json}\n\n`;

  let busyMs = 0;
  let refreshedVersion = -1;
  const tick = (): void => {
    const t0 = performance.now();
    try {
      watcher?.poll();
      if (clients.size === 0) {
        // Nobody is watching: keep the bands current (within the budget) for whoever connects.
        if (model.version !== refreshedVersion || model.stalePoints > 0) {
          refreshedVersion = model.version;
          model.refreshBands();
        }
        return;
      }
      if (model.version === sentVersion && model.stalePoints === 0) return;
      const { json } = snapshot();
      sentVersion = model.version;
      const chunk = event(json);
      for (const c of clients) {
        if (c.version === sentVersion) continue; // it got this one when it connected
        c.version = sentVersion;
        write(c, chunk);
      }
    } finally {
      busyMs += performance.now() - t0;
    }
  };

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...extra });
    res.end(head ? undefined : body);
  };
  const notFound = (res: ServerResponse, head: boolean): void => send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);

  const serveFile = (segments: string[], res: ServerResponse, head: boolean): void => {
    if (root === undefined || segments.length < 1 || segments.length > 2 || !segments.every((s) => FILE_SEGMENT.test(s))) return notFound(res, head);
    const type = FILE_TYPES[extname(segments.at(-1)!).toLowerCase()];
    if (type === undefined) return notFound(res, head);
    let real: string;
    let body: Buffer;
    try {
      real = realpathSync(join(root, ...segments));
      if (!real.startsWith(root + sep) || !statSync(real).isFile()) return notFound(res, head);
      body = readFileSync(real);
    } catch {
      return notFound(res, head);
    }
    send(res, 200, type, body, head);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, 405, 'text/plain; charset=utf-8', 'read-only: GET and HEAD only\n', false, { Allow: 'GET, HEAD' });
    if (isLoopback(host)) {
      const name = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!LOOPBACK_NAMES.has(name) && !/^127\./.test(name)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n', head);
    }
    const segments = safePath(req.url);
    if (segments === undefined) return notFound(res, head);
    const path = `/${segments.join('/')}`;
    const asset = assets.get(path === '/index.html' ? '/' : path);
    if (asset) return send(res, 200, asset.type, asset.body, head);
    if (path === '/api/state') return send(res, 200, 'application/json; charset=utf-8', snapshot().json, head);
    if (segments[0] === 'files') return serveFile(segments.slice(1), res, head);
    if (path !== '/api/events') return notFound(res, head);
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    if (head) return void res.end();
    res.socket?.setNoDelay(true);
    const { json } = snapshot();
    const c: Client = { res, pending: undefined, blocked: false, blockedSince: 0, sent: 0, coalesced: 0, version: model.version };
    clients.add(c);
    const drop = (): void => void clients.delete(c);
    res.on('close', drop);
    res.on('error', drop);
    write(c, `retry: 2000\n\n${event(json)}`);
  };

  const server: Server = createServer((req, res) => {
    const t0 = performance.now();
    try {
      handle(req, res);
    } finally {
      busyMs += performance.now() - t0;
    }
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new PortInUseError(`port ${port} is already in use on ${host}`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reject(new RangeError(`--host: cannot bind ${JSON.stringify(host)} (${e.code})`));
      else if (e.code === 'EACCES') reject(new RangeError(`--port: not allowed to bind port ${port} (EACCES)`));
      else reject(e);
    });
    server.listen(port, host, () => resolve());
  });
  const timer = setInterval(tick, intervalMs);
  const heartbeat = setInterval(() => {
    for (const c of clients) if (!c.blocked) write(c, ': ping\n\n');
  }, 15_000);
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  const live: LiveServer = {
    url: `http://${urlHost}:${bound}/`,
    port: bound,
    host,
    model,
    show: (dir) => {
      if (watcher) return;
      root = realpathSync(dir);
      watcher = new FolderWatcher(dir, model);
      tick();
    },
    tick,
    busyMs: () => busyMs,
    clients: () => [...clients].map((c) => ({ sent: c.sent, coalesced: c.coalesced, blocked: c.blocked, buffered: c.res.writableLength })),
    close: async () => {
      clearInterval(timer);
      clearInterval(heartbeat);
      for (const c of clients) c.res.destroy();
      clients.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  if (options.dir !== undefined) live.show(options.dir);
  return live;
}
