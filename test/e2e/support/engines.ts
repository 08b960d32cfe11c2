// The two browser engines besides Chromium, behind one small interface for the engine tests:
// Firefox (Debian's firefox-esr, SpiderMonkey) driven over WebDriver BiDi by puppeteer-core, and
// WebKit (Debian's webkit2gtk-driver: WebKitWebDriver + MiniBrowser, JavaScriptCore, Safari's
// engine) driven over classic W3C WebDriver (HTTP on 127.0.0.1) by the few fetch calls below,
// under xvfb-run since WebKitGTK's MiniBrowser has no headless mode. These are Debian packages,
// not npm ones: a missing one fails with the command that installs it (`npm run test:engines`;
// .ci/run installs them).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** What Debian installs for the engine tests (CI runs it as root). */
export const ENGINES_APT = 'apt-get install -y firefox-esr webkit2gtk-driver xvfb';

/** A page (tab) of an engine, driven by strings of JavaScript. */
export interface EnginePage {
  goto(url: string): Promise<void>;
  /** Run the body of an async function in the page and return its (JSON-serializable) result. */
  run<T>(body: string): Promise<T>;
  /**
   * `run` for a body without side effects (it only reads the page): WebKitWebDriver now and then
   * fails a script whatever it does ("Could not parse script result", seen twice in CI on a JSON
   * string of numbers; "unknown error" with no message, once), and a read is retried on a failure
   * of the driver, twice at most (an error the page's script throws is not retried).
   */
  read<T>(body: string): Promise<T>;
  /** Poll `expression` in the page until it is truthy; on timeout, throw with `describe`'s value. */
  waitFor(expression: string, timeoutMs: number, describe?: string): Promise<void>;
  /**
   * What the page logged as an error since the last goto: console.error and uncaught errors and
   * rejections. Firefox reports them over BiDi from the start; WebKit's classic WebDriver has no
   * console, so goto() installs a recorder in the page once it has loaded (earlier ones are missed).
   */
  errors(): Promise<string[]>;
  close(): Promise<void>;
}

/** A launched engine. */
export interface Engine {
  name: 'Firefox' | 'WebKit';
  version: string;
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

function which(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (!d) continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch { /* not here */ }
  }
  return undefined;
}

function need(what: string, path: string | undefined, env: string): string {
  if (path && existsSync(path)) return path;
  throw new Error(`${what} not found${path ? ` at ${path}` : ''}: install it with \`${ENGINES_APT}\` (Debian/Ubuntu, as root), or set ${env}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll(check: () => Promise<unknown>, timeoutMs: number, what: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; page state: ${await what().catch((e) => String(e))}`);
    await sleep(100);
  }
}

/** Firefox ($FIREFOX_PATH, else firefox-esr or firefox on PATH), headless, over WebDriver BiDi. */
export async function launchFirefox(): Promise<Engine> {
  const path = need('Firefox', process.env.FIREFOX_PATH || which('firefox-esr') || which('firefox'), 'FIREFOX_PATH');
  const browser: Browser = await puppeteer.launch({ browser: 'firefox', executablePath: path, headless: true, protocolTimeout: 180_000 });
  const version = await browser.version();
  return {
    name: 'Firefox',
    version,
    async newPage() {
      const page: Page = await browser.newPage();
      let errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      const run = <T>(body: string) => page.evaluate(`(async () => { ${body} })()`) as Promise<T>;
      const self: EnginePage = {
        async goto(url) {
          errors = [];
          await page.goto(url);
        },
        errors: async () => [...errors],
        run,
        read: run, // BiDi has no such transport error to retry
        waitFor: (expression, timeoutMs, describe = 'null') =>
          poll(() => page.evaluate(`!!(${expression})`), timeoutMs, async () => JSON.stringify(await page.evaluate(describe))),
        close: () => page.close(),
      };
      return self;
    },
    close: () => browser.close(),
  };
}

/** The page's console.error and uncaught errors into window.engineErrors (for a driver with no console). */
const RECORD_ERRORS = `if (!window.engineErrors) {
  const errors = window.engineErrors = [];
  const original = console.error.bind(console);
  console.error = (...args) => { errors.push(args.map(String).join(' ')); original(...args); };
  addEventListener('error', (e) => errors.push(String(e.error ?? e.message)));
  addEventListener('unhandledrejection', (e) => errors.push(String(e.reason)));
}`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as { port: number };
  await new Promise((ok) => s.close(ok));
  return port;
}

/**
 * WebKit: WebKitWebDriver ($WEBKIT_WEBDRIVER, else on PATH) starting MiniBrowser under xvfb-run.
 * WebKitGTK keeps SharedArrayBuffer off even on cross-origin-isolated pages (Safari turns it on
 * there); `sharedArrayBuffer: true` turns it on as Safari does, through JavaScriptCore's
 * `useSharedArrayBuffer` option (the JSC_useSharedArrayBuffer=1 environment variable).
 */
export async function launchWebKit(options: { sharedArrayBuffer?: boolean } = {}): Promise<Engine> {
  const driver = need('WebKitWebDriver', process.env.WEBKIT_WEBDRIVER || which('WebKitWebDriver'), 'WEBKIT_WEBDRIVER');
  const miniBrowser = need('WebKitGTK MiniBrowser', process.env.WEBKIT_MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', 'WEBKIT_MINIBROWSER');
  const xvfb = process.env.DISPLAY ? undefined : need('xvfb-run', which('xvfb-run'), 'DISPLAY');
  const port = await freePort();
  const cmd = xvfb ? [xvfb, '-a', driver, `--port=${port}`] : [driver, `--port=${port}`];
  // its own process group, so close() ends xvfb-run, Xvfb, the driver and MiniBrowser together
  // Skia's CPU renderer: its GPU worker on Mesa's software GL (swrast_dri, under Xvfb) segfaulted
  // now and then while the playground drew (dmesg: "SkiaGPUWorker ... segfault ... in
  // swrast_dri.so"), and the driver then answered "invalid session id" (CI, 1 run in 7 here)
  const env = { ...process.env, WEBKIT_SKIA_ENABLE_CPU_RENDERING: '1', ...(options.sharedArrayBuffer ? { JSC_useSharedArrayBuffer: '1' } : {}) };
  const child: ChildProcess = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(base + path, {
      method, headers: { 'content-type': 'application/json; charset=utf-8' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as { value: T & { error?: string; message?: string } };
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch { /* gone */ }
  };
  try {
    await poll(() => call('GET', '/status').then(() => true, () => false), 20_000, async () => `WebKitWebDriver did not answer: ${stderr}`);
    const session = await call<{ sessionId: string; capabilities: { browserVersion: string } }>('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] } } },
    });
    const s = `/session/${session.sessionId}`;
    await call('POST', `${s}/timeouts`, { script: 180_000, pageLoad: 60_000 });
    // The result crosses as a JSON string made on the page: WebKitWebDriver's own serialization
    // of a script result once failed with "Could not parse script result" on a plain object of
    // numbers (CI, the playground test; 3 reruns passed), and a string is the simplest payload.
    // It failed so once more on such a string (CI, the same read): reads retry on it (`read`).
    const run = <T>(body: string) => call<string>('POST', `${s}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
(async () => { ${body} })().then((value) => done(JSON.stringify({ value })), (e) => done(JSON.stringify({ error: String(e && e.stack || e) })));`,
      args: [],
    }).then((r) => {
      const out = JSON.parse(r) as { value?: T; error?: string };
      if (out.error !== undefined) throw new Error(out.error);
      return out.value as T;
    });
    // A read has no side effects, so any failure of the driver itself (as opposed to an error the
    // page's script threw) is retried: besides the parse error, CI met an "unknown error" with an
    // empty message on a plain read (the playground test, after session 22's fixes; reruns passed).
    const driverFailed = (e: unknown) => String(e).includes('Could not parse script result') || /^Error: WebDriver /.test(String(e));
    const read = async <T>(body: string): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await run<T>(body);
        } catch (e) {
          if (attempt === 2 || !driverFailed(e)) throw e;
          await sleep(100);
        }
      }
    };
    const page: EnginePage = {
      async goto(url) {
        await call('POST', `${s}/url`, { url });
        await run(RECORD_ERRORS);
      },
      run,
      read,
      errors: () => read<string[]>('return window.engineErrors ?? ["no error recorder on this page"];'),
      waitFor: (expression, timeoutMs, describe = 'null') =>
        poll(() => read(`return !!(${expression});`), timeoutMs, async () => JSON.stringify(await read(`return ${describe};`))),
      close: async () => undefined, // one window per session: the next goto reuses it
    };
    return {
      name: 'WebKit',
      version: `WebKitGTK ${session.capabilities.browserVersion}${options.sharedArrayBuffer ? ', JSC_useSharedArrayBuffer=1' : ''}`,
      newPage: async () => page,
      async close() {
        await call('DELETE', s).catch(() => undefined);
        kill();
      },
    };
  } catch (e) {
    kill();
    throw new Error(`WebKit did not start (${cmd.join(' ')}): ${(e as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
}
