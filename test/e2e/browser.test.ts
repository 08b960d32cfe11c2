// In a real browser (Debian's Chromium, headless): the kernel suite for every build the browser
// validates, and the package's browser entry loaded by a plain HTML page through an import map,
// training XOR with train(). `npm test` builds dist/ first.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectErrors, pageSite, serve } from '../support/browser.js';
import { writeTestPages } from './support/pages.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const site = pageSite('browser', writeTestPages);

describe('in headless Chromium', () => {
  it('every kernel of every build matches the plain-TS reference (SIMD, scalar, relaxed SIMD)', async () => {
    const page = await site.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/suite.html`);
    // a string, so vitest's transform leaves the browser's import() alone
    const result = (await page.evaluate(`import('${site.url}/suite.js').then((m) => m.runKernelSuite())`)) as {
      failures: string[]; builds: string[]; checks: number;
    };
    expect(result.failures).toEqual([]);
    expect(result.builds).toEqual(['simd', 'scalar', 'relaxed']); // Chromium 114+ has relaxed SIMD
    expect(result.checks).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a plain HTML page imports the browser entry through an import map and trains XOR', async () => {
    const page = await site.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/xor.html`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, { timeout: 60_000 });
    const r = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result) as {
      info: { build: string; simd: boolean }; first: number; last: number; predictions: number[]; log: string[];
    };
    expect(r.info.simd).toBe(true);
    expect(r.last).toBeLessThan(0.01);
    expect(r.predictions.map((p) => Math.round(p))).toEqual([0, 1, 1, 0]);
    // the chapter's log, in the browser too
    expect(r.log).toEqual(['0.6931', '0.4972', '0.4791', '0.4782', '0.4778', '0.4777', '0.4777', '0.4776', '0.4776', '0.4775']);
    // 'scratchnet/core' next to it: the same classes and the same kernels (one shared chunk)
    expect((r as unknown as { sameAsCore: boolean }).sameAsCore).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('what a page downloads', () => {
  /** Load `page` from a fresh server; what it fetched from dist/ (paths, gzipped bytes) and its result. */
  async function downloads(page: string): Promise<{ paths: string[]; total: number; build: string }> {
    const fresh = await serve({ '/dist/': join(root, 'dist'), '/': site.dir }, false);
    const tab = await site.browser.newPage();
    const errors = collectErrors(tab);
    try {
      await tab.goto(`${fresh.url}/${page}`);
      await tab.waitForFunction(() => 'result' in window, null, { timeout: 60_000 });
      const { info, last } = (await tab.evaluate(() => (window as unknown as { result: unknown }).result)) as {
        info: { build: string; threads: number; threadsNote: string | null }; last: number;
      };
      // not cross-origin isolated: init() runs on one thread and says why
      expect(info.threads).toBe(1);
      expect(info.threadsNote).toMatch(/cross-origin isolated/);
      expect(last).toBeLessThan(0.01);
      expect(errors).toEqual([]);
      const fetched = fresh.log.filter((r) => r.path.startsWith('/dist/'));
      const total = fetched.reduce((n, r) => n + r.bytes, 0);
      console.log(`${page}: ${fetched.map((r) => `${r.path} ${(r.bytes / 1024).toFixed(1)} KB`).join(' + ')} = ${(total / 1024).toFixed(1)} KB gzipped`);
      return { paths: fetched.map((r) => r.path).sort(), total, build: info.build };
    } finally {
      await tab.close();
      await fresh.close();
    }
  }
  const chunk = expect.stringMatching(/^\/dist\/scratchnet\.[A-Z0-9]+\.js$/);

  it('a page that trains XOR with scratchnet/core transfers at most 60 KB (gzipped) of scratchnet: the entry, the shared chunk and the one build it runs', async () => {
    const d = await downloads('xor-core.html');
    expect(d.paths).toEqual([`/dist/backend/builds/${d.build}.generated.js`, chunk, '/dist/scratchnet.core.browser.js']);
    expect(d.total).toBeLessThanOrEqual(60 * 1024);
  });

  it('with everything (the main entry, data loaders and plots too): at most 64 KB', async () => {
    const d = await downloads('xor.html'); // (it imports scratchnet/core as well, to compare: 0.5 KB)
    expect(d.paths).toEqual([`/dist/backend/builds/${d.build}.generated.js`, chunk, '/dist/scratchnet.browser.js', '/dist/scratchnet.core.browser.js']);
    expect(d.total).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('threads in the browser (cross-origin isolated page)', () => {
  it('runs on 2 threads with Web Workers, bit-identical to 1 thread', async () => {
    const page = await site.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/threads.html`);
    await page.waitForFunction(() => 'result' in window, null, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as {
      isolated: boolean; runs: { threads: number; product: number[]; loss: number[] }[];
    };
    expect(r.isolated).toBe(true);
    expect(r.runs.map((x) => x.threads)).toEqual([2, 1]);
    expect(r.runs[0]!.product).toEqual(r.runs[1]!.product);
    expect(r.runs[0]!.loss).toEqual(r.runs[1]!.loss);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('without cross-origin isolation', () => {
  it('falls back to one thread and says why in backendInfo(), never an exception', async () => {
    const plain = await serve({ '/dist/': join(root, 'dist'), '/': site.dir }, false);
    const page = await site.browser.newPage();
    const errors = collectErrors(page);
    try {
      await page.goto(`${plain.url}/fallback.html`);
      await page.waitForFunction(() => 'result' in window, null, { timeout: 60_000 });
      const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as {
        isolated: boolean; info: { threads: number; threadsNote: string | null }; predictions: number[];
      };
      expect(r.isolated).toBe(false);
      expect(r.info.threads).toBe(1);
      expect(r.info.threadsNote).toMatch(/cross-origin isolated/);
      expect(r.predictions).toEqual([0, 1, 1, 0]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await plain.close();
    }
  });
});

describe('the live demo (npm run demo)', () => {
  it('trains XOR in a Web Worker until the loss is under 0.05, with no console errors, and stops on Pause', async () => {
    const { startDemoServer } = await import('../../scripts/demo-server.js');
    const demo = await startDemoServer({ port: 0 });
    const page = await site.browser.newPage({ viewport: { width: 1320, height: 820 } });
    const errors = collectErrors(page);
    try {
      await page.goto(demo.url);
      await page.waitForFunction(() => (window as unknown as { demoState?: { ready?: boolean } }).demoState?.ready === true, null, { timeout: 30_000 });
      await page.selectOption('#dataset', 'xor');
      await page.click('#start');
      await page.waitForFunction(() => {
        const s = (window as unknown as { demoState: { loss: number; status: string } }).demoState;
        return s.status === 'training' && s.loss < 0.05;
      }, null, { timeout: 60_000 });
      // the page stays responsive while the worker trains: a click is handled at once
      await page.click('#start'); // pause
      await page.waitForFunction(() => document.body.dataset.status === 'paused', null, { timeout: 5_000 });
      const state = await page.evaluate(() => (window as unknown as { demoState: { epoch: number; loss: number } }).demoState);
      const epoch = state.epoch;
      await new Promise((r) => setTimeout(r, 300));
      expect((await page.evaluate(() => (window as unknown as { demoState: { epoch: number } }).demoState.epoch))).toBe(epoch);
      expect(state.loss).toBeLessThan(0.05);
      await mkdir(join(root, 'out', 'test'), { recursive: true });
      await page.screenshot({ path: join(root, 'out', 'test', 'demo-xor.png') });
      expect(await page.evaluate(() => (window as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated)).toBe(true);
      // cross-origin isolated (COOP/COEP from the demo server): the kernels run on threads
      const info = await page.evaluate(() => (window as unknown as { demoState: { backend: { threads: number } } }).demoState.backend);
      expect(info.threads).toBeGreaterThan(1);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await demo.close();
    }
  });
});
