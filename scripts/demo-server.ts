/**
 * The live demo's static server (`npm run demo`): dependency-free `node:http` on 127.0.0.1,
 * serving `scripts/demo/` at `/` and the package's `dist/` at `/dist/`, with the
 * cross-origin-isolation headers (COOP `same-origin`, COEP `require-corp`) that a threads build
 * needs for `SharedArrayBuffer`.
 *
 *   tsx scripts/demo-server.ts [--port 8080]   (or PORT=8080; --port 0 picks a free port)
 *
 * @module
 */
import { createReadStream, promises as fs, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one (default 8080). */
  port?: number;
  /** The package directory holding `scripts/demo/` and `dist/` (default: this file's package). */
  root?: string;
}

/** A running demo server. */
export interface DemoServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Headers on every response: cross-origin isolation, no sniffing, no caching (a dev server). */
function baseHeaders(): Record<string, string> {
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

function sendText(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * A whole response written on a raw socket, then closed: for what never reaches the request handler
 * (a request Node's parser refused, a CONNECT), with the same base headers as every other response.
 */
function answerRaw(socket: Duplex, status: number, reason: string, extra: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${reason}\n`;
  const headers = { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close', ...extra };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n\r\n${body}`);
  socket.once('error', () => socket.destroy());
}

/** Node's parser refused a request: 431 when its headers are too large, 408 on a timeout, else 400; then close. */
function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // a reset connection has no one to answer; a response already under way cannot get another status line
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') answerRaw(socket, 431, 'Request Header Fields Too Large');
  else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') answerRaw(socket, 408, 'Request Timeout');
  else answerRaw(socket, 400, 'Bad Request');
}

/**
 * The file a URL path names inside `base`, or null when it would leave `base` (`..`, encoded
 * slashes or backslashes, NUL bytes, symlinks pointing outside) or does not exist.
 */
async function resolveInside(base: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escape
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) return null;
  const candidate = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
  let real: string, realBase: string;
  try {
    [real, realBase] = await Promise.all([fs.realpath(candidate), fs.realpath(base)]);
  } catch {
    return null;
  }
  const rel = path.relative(realBase, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  let stat = await fs.stat(real).catch(() => null);
  if (stat?.isDirectory()) {
    real = path.join(real, 'index.html');
    stat = await fs.stat(real).catch(() => null);
  }
  return stat?.isFile() ? real : null;
}

async function handle(req: IncomingMessage, res: ServerResponse, demoDir: string, distDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const pathname = (req.url ?? '/').split(/[?#]/, 1)[0]!;
  if (!pathname.startsWith('/')) {
    sendText(res, 400, 'Bad Request\n');
    return;
  }
  const [base, rest] = pathname === '/dist' || pathname.startsWith('/dist/') ? [distDir, pathname.slice(5)] : [demoDir, pathname];
  const file = await resolveInside(base, rest || '/');
  if (file === null) {
    sendText(res, 404, `Not Found: ${pathname}\n`);
    return;
  }
  const stat = await fs.stat(file);
  const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { ...baseHeaders(), 'Content-Type': type, 'Content-Length': stat.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * Start the demo server on 127.0.0.1 and resolve once it listens.
 *
 * @example
 * ```ts
 * import { startDemoServer } from './scripts/demo-server.js';
 * const server = await startDemoServer({ port: 0 }); // a free port
 * console.log(server.url); // http://127.0.0.1:41234/
 * await server.close();
 * ```
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`startDemoServer: port must be an integer in [0, 65535], got ${String(port)}`);
  }
  const root = path.resolve(options.root ?? PACKAGE_ROOT);
  const demoDir = path.join(root, 'scripts', 'demo');
  const distDir = path.join(root, 'dist');
  const demoStat = await fs.stat(demoDir).catch(() => null);
  if (!demoStat?.isDirectory()) throw new Error(`startDemoServer: no demo directory at ${demoDir}`);

  const server: Server = createServer((req, res) => {
    handle(req, res, demoDir, distDir).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `Internal Server Error: ${err instanceof Error ? err.message : String(err)}\n`);
      else res.destroy();
    });
  });
  server.on('clientError', onClientError);
  // CONNECT never reaches the request handler (Node hands over the socket): a static server refuses it
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => answerRaw(socket, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${actual}/`,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** `--port N`, `--port=N`, else PORT, else 8080. */
function parsePort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let raw: string | undefined = env.PORT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--port') raw = argv[++i];
    else if (a.startsWith('--port=')) raw = a.slice('--port='.length);
    else if (a === '--help' || a === '-h') {
      console.log('usage: tsx scripts/demo-server.ts [--port N]   (or PORT=N; --port 0 picks a free port; default 8080)');
      process.exit(0);
    } else throw new Error(`demo-server: unknown argument ${JSON.stringify(a)} (usage: --port N)`);
  }
  if (raw === undefined || raw === '') return 8080;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) throw new Error(`demo-server: port must be an integer in [0, 65535], got ${JSON.stringify(raw)}`);
  return port;
}

function isEntryScript(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2), process.env);
  const server = await startDemoServer({ port });
  const bundle = path.join(PACKAGE_ROOT, 'dist', 'scratchnet.browser.js');
  const hasBundle = await fs.stat(bundle).then((s) => s.isFile(), () => false);
  console.log(`scratchnet demo: ${server.url}  (Ctrl+C to stop)`);
  if (!hasBundle) console.warn(`warning: ${path.relative(process.cwd(), bundle)} is missing; build it first (npm run build)`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the demo server`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (isEntryScript()) {
  main().catch((err: unknown) => {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE') console.error(`demo-server: ${(err as Error).message}; pick another port with --port N (0: any free port)`);
    else console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
