// Real-browser helpers for tests: a tiny static file server on 127.0.0.1 and a headless Chromium
// driven by playwright-core. Which Chromium: $CHROMIUM_PATH if set (a browser of one's own), else
// a `chromium` on PATH (Debian's /usr/bin/chromium), else the headless Chromium that the npm
// package @sparticuz/chromium ships (a devDependency, so `npm install` is all a machine needs),
// unpacked once into the temp folder. `npx playwright install` cannot download browsers here.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { delimiter, dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** The Chromium named by $CHROMIUM_PATH if set and not empty, else Debian's name on PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH || 'chromium';

/** Shared libraries the npm-shipped Chromium links against that a bare Debian image may lack. */
export const CHROMIUM_NPM_APT = 'apt-get install -y libnss3 libexpat1';

function onPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (!d) continue;
    const f = join(d, name);
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch { /* not here */ }
  }
  return undefined;
}

/** Write `data` to `file` atomically (a temp name, then rename), so parallel test files never see half a binary. */
function writeAtomic(file: string, data: Buffer | string, mode = 0o644): void {
  const part = `${file}.${process.pid}.part`;
  writeFileSync(part, data, { mode });
  renameSync(part, file);
}

/**
 * Unpack the headless Chromium shipped by @sparticuz/chromium (a brotli'd binary in its bin/
 * folder) into `<tmpdir>/scratchnet-chromium-<version>/` once, with its fonts and a fontconfig
 * file that points at them, and return the binary's path.
 */
export function npmChromium(): { path: string; fontconfig: string } {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    // its exports map has no ./package.json: resolve the entry (build/index.js), then go up
    pkgJson = join(dirname(require.resolve('@sparticuz/chromium')), '..', 'package.json');
  } catch {
    throw new Error('No Chromium: none at $CHROMIUM_PATH or on PATH, and the devDependency @sparticuz/chromium is not installed: run `npm install`');
  }
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const bin = join(dirname(pkgJson), 'bin');
  const dir = join(tmpdir(), `scratchnet-chromium-${version}`);
  const path = join(dir, 'chromium');
  const fontconfig = join(dir, 'fonts.conf');
  if (!existsSync(path) || !existsSync(fontconfig)) {
    mkdirSync(join(dir, 'fonts'), { recursive: true });
    // Open Sans, for pages to have a font on a machine with none (tar: fonts.conf + fonts/…)
    const fonts = brotliDecompressSync(readFileSync(join(bin, 'fonts.tar.br')));
    execFileSync('tar', ['-x', '-C', dir, '--exclude', 'fonts.conf'], { input: fonts });
    writeAtomic(fontconfig, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${join(dir, 'fonts')}</dir><cachedir>${join(dir, 'fonts-cache')}</cachedir></fontconfig>\n`);
    writeAtomic(path, brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), 0o755);
  }
  return { path, fontconfig };
}

/** Libraries `ldd` reports "not found" for `binary` (empty when ldd is missing or all resolve). */
export function missingLibraries(binary: string): string[] {
  try {
    const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
    return [...out.matchAll(/^\s*(\S+) => not found/gm)].map((m) => m[1]!);
  } catch {
    return [];
  }
}

/**
 * The Chromium the browser tests use and where it came from: $CHROMIUM_PATH (must exist),
 * else `chromium` on PATH (Debian's /usr/bin/chromium), else the npm-shipped one.
 */
export function findChromium(): { path: string; source: 'CHROMIUM_PATH' | 'system' | 'npm'; env?: Record<string, string> } {
  if (process.env.CHROMIUM_PATH) {
    if (!existsSync(process.env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist: unset it to use Debian's or the npm-shipped Chromium`);
    return { path: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  }
  const system = onPath('chromium');
  if (system) return { path: system, source: 'system' };
  const { path, fontconfig } = npmChromium();
  const missing = missingLibraries(path);
  if (missing.length) {
    throw new Error(`The npm-shipped Chromium (${path}) needs shared libraries this machine lacks: ${missing.join(', ')}. Install them with: ${CHROMIUM_NPM_APT} (Debian/Ubuntu, as root), or set CHROMIUM_PATH to a Chromium of your own`);
  }
  // fonts only where the machine has no fontconfig setup of its own (a bare image)
  return { path, source: 'npm', ...(existsSync('/etc/fonts/fonts.conf') ? {} : { env: { FONTCONFIG_FILE: fontconfig } }) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.wasm': 'application/wasm',
  '.map': 'application/json', '.png': 'image/png',
};

/** One response of {@link serve}: the path asked for and the bytes sent (gzipped when the browser accepts gzip). */
export interface Served {
  path: string;
  bytes: number;
}

/**
 * Serve `mounts` (URL prefix → directory) on a free port of 127.0.0.1, cross-origin isolated
 * (COOP/COEP headers) unless `isolated` is false, gzipping what a browser accepts gzipped as a
 * web server would; `log` lists every response and the bytes it put on the wire.
 */
export async function serve(mounts: Record<string, string>, isolated = true): Promise<{ url: string; close(): Promise<void>; log: Served[] }> {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const log: Served[] = [];
  const server: Server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const mount = entries.find(([prefix]) => path.startsWith(prefix));
      if (!mount) throw new Error('no mount');
      const root = resolve(mount[1]);
      let file = normalize(join(root, path.slice(mount[0].length)));
      if (file !== root && !file.startsWith(root + sep)) throw new Error('outside root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const raw = await readFile(file);
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? gzipSync(raw) : raw;
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        ...(isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
      });
      res.end(body);
      log.push({ path, bytes: body.length });
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Launch headless Chromium (see findChromium for which) with the flags this closed network needs. */
export async function launchChromium(): Promise<Browser> {
  const found = findChromium();
  try {
    return await chromium.launch({
      executablePath: found.path,
      ...(found.env ? { env: { ...process.env, ...found.env } as Record<string, string> } : {}),
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-quic',
      ],
    });
  } catch (e) {
    const hint = found.source === 'npm' ? ` If a shared library is missing: ${CHROMIUM_NPM_APT}` : '';
    throw new Error(`Chromium (${found.source}: ${found.path}) did not start: ${(e as Error).message}.${hint}`);
  }
}

/** Collect console errors and page errors of a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** What {@link pageSite} sets up: read its fields inside tests (they are filled in beforeAll). */
export interface PageSite {
  /** The headless Chromium. */
  browser: Browser;
  /** The server's origin, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** The temporary folder served at `/`. */
  dir: string;
}

/**
 * For one test file: a temporary folder (`scratchnet-<name>-…`) that `write` fills with pages,
 * served at `/` with the repository's `dist/` at `/dist/` (and any other `mounts`, paths from the
 * repository's root), and a headless Chromium; made in beforeAll, closed and removed in afterAll.
 */
export function pageSite(name: string, write: (dir: string) => Promise<void>, mounts: Record<string, string> = {}): PageSite {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const site = {} as PageSite;
  let server: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    site.dir = await mkdtemp(join(tmpdir(), `scratchnet-${name}-`));
    await write(site.dir);
    const extra = Object.fromEntries(Object.entries(mounts).map(([at, path]) => [at, join(root, path)]));
    const s = await serve({ '/dist/': join(root, 'dist'), ...extra, '/': site.dir });
    server = s;
    site.url = s.url;
    site.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await site.browser?.close();
    await server?.close();
    if (site.dir) await rm(site.dir, { recursive: true, force: true });
  });
  return site;
}
