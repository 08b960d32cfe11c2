// The two browser engines besides Chromium (test/e2e/browser.test.ts): Firefox (SpiderMonkey)
// and WebKit (JavaScriptCore, Safari's engine). In each: the kernel suite on every build the
// engine validates, the browser entry through an import map (XOR and the chapter's log), threads
// on a cross-origin-isolated page (bit-identical to 1 thread), the live demo training XOR in
// its Web Worker, and the playground (the network view's maps updating while training, chapter
// mode's log; the rest of the playground is test/e2e/playground.test.ts, in Chromium). They are Debian packages, so this file runs in `npm run test:engines` (which
// .ci/run calls after installing them), not in `npm test`; a missing engine fails with the
// install command, never skips. `npm run test:engines` builds dist/ first.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../support/browser.js';
import { CHAPTER_LOG } from '../support/chapter.js';
import { launchFirefox, launchWebKit, type Engine, type EnginePage } from './support/engines.js';
import { PAGE_DONE, writeTestPages } from './support/pages.js';
import { PLAYGROUND_MAPS } from './support/playground.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-engines-'));
  await writeTestPages(dir);
  server = await serve({ '/dist/': join(root, 'dist'), '/': dir });
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Open `path` and return its window.result once set, failing on any uncaught page error. */
async function pageResult<T>(page: EnginePage, path: string): Promise<T> {
  await page.goto(`${server.url}${path}`);
  await page.waitFor(PAGE_DONE, 120_000, 'window.pageErrors');
  const { result, errors } = await page.read<{ result: T; errors: string[] }>('return { result: window.result, errors: window.pageErrors };');
  expect(errors).toEqual([]);
  return result;
}

interface EngineCase {
  name: string;
  launch: () => Promise<Engine>;
  /** The builds the engine validates (an engine fact: JavaScriptCore has no relaxed SIMD). */
  builds: string[];
  /** Threads a cross-origin-isolated page gets: 1 where the engine keeps SharedArrayBuffer off. */
  threads: number;
}

const ENGINES: EngineCase[] = [
  { name: 'Firefox', launch: launchFirefox, builds: ['simd', 'scalar', 'relaxed'], threads: 2 },
  // as Epiphany and other WebKitGTK browsers run it: no SharedArrayBuffer, so one thread, and init() says why
  { name: 'WebKit', launch: () => launchWebKit(), builds: ['simd', 'scalar'], threads: 1 },
  // with SharedArrayBuffer on cross-origin-isolated pages, as Safari has it
  { name: 'WebKit with SharedArrayBuffer', launch: () => launchWebKit({ sharedArrayBuffer: true }), builds: ['simd', 'scalar'], threads: 2 },
];

for (const { name, launch, builds, threads } of ENGINES) {
  describe(name, () => {
    let engine: Engine;
    let page: EnginePage;
    beforeAll(async () => {
      engine = await launch();
      page = await engine.newPage();
    }, 120_000);
    afterAll(async () => {
      await page?.close();
      await engine?.close();
    });

    it('every kernel of every build the engine validates matches the plain-TS reference', async () => {
      await page.goto(`${server.url}/suite.html`);
      const r = await page.run<{ failures: string[]; builds: string[]; checks: number }>(
        `const m = await import('${server.url}/suite.js'); return m.runKernelSuite();`,
      );
      expect(r.failures).toEqual([]);
      expect(r.builds).toEqual(builds);
      expect(r.checks).toBeGreaterThan(200);
    }, 180_000);

    it('a plain HTML page imports the browser entry through an import map, trains XOR and prints the chapter\'s log', async () => {
      const r = await pageResult<{ info: { build: string; threads: number; threadsNote: string | null }; last: number; predictions: number[]; log: string[] }>(page, '/xor.html');
      expect(r.info.build).toBe(builds.includes('relaxed') ? 'relaxed' : 'simd');
      expect(r.last).toBeLessThan(0.01);
      expect(r.predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
      expect(r.log).toEqual(CHAPTER_LOG);
      // init() by default: every core navigator.hardwareConcurrency reports, where threads run at all
      if (threads === 1) expect(r.info).toMatchObject({ threads: 1, threadsNote: expect.stringMatching(/SharedArrayBuffer is not available/) });
      else expect(r.info).toMatchObject({ threads: expect.any(Number), threadsNote: null });
      expect(r.info.threads).toBeGreaterThan(threads === 1 ? 0 : 1);
      console.log(`${name} (${engine.version}): init() chose ${r.info.build}, ${r.info.threads} thread(s) on a cross-origin-isolated page`);
    }, 180_000);

    it(threads > 1 ? 'runs on 2 threads (Web Workers, cross-origin isolated page), bit-identical to 1 thread'
      : 'asked for 2 threads on a cross-origin-isolated page, runs on 1 and says why (no SharedArrayBuffer)', async () => {
      const r = await pageResult<{
        isolated: boolean; info: { threads: number; threadsNote: string | null }; runs: { threads: number; product: number[]; loss: number[] }[];
      }>(page, '/threads.html');
      expect(r.isolated).toBe(true);
      if (threads > 1) {
        expect(r.info).toMatchObject({ threads: 2, threadsNote: null });
        expect(r.runs.map((x) => x.threads)).toEqual([2, 1]);
        expect(r.runs[0]!.product).toEqual(r.runs[1]!.product);
        expect(r.runs[0]!.loss).toEqual(r.runs[1]!.loss);
      } else {
        expect(r.info.threads).toBe(1);
        expect(r.info.threadsNote).toMatch(/SharedArrayBuffer is not available/);
      }
    }, 180_000);

    it(`the live demo trains XOR in its Web Worker until the loss is under 0.05, on ${threads > 1 ? 'more than one thread' : 'one thread'}`, async () => {
      const { startDemoServer } = await import('../../scripts/demo-server.js');
      const demo = await startDemoServer({ port: 0 });
      try {
        await page.goto(demo.url);
        await page.waitFor('window.demoState?.ready === true', 60_000, 'window.demoState');
        await page.run(`const s = document.querySelector('#dataset');
          s.value = 'xor';
          s.dispatchEvent(new Event('change', { bubbles: true }));
          document.querySelector('#start').click();`);
        await page.waitFor(`window.demoState.status === 'training' && window.demoState.loss < 0.05`, 120_000, 'window.demoState');
        const state = await page.run<{ loss: number; isolated: boolean; workerStarts: number; backend: { build: string; threads: number } }>(
          `document.querySelector('#start').click(); return { ...window.demoState, isolated: crossOriginIsolated };`,
        );
        expect(state.loss).toBeLessThan(0.05);
        expect(state.isolated).toBe(true);
        if (threads === 1) expect(state.backend.threads).toBe(1);
        else expect(state.backend.threads).toBeGreaterThan(1);
        // 2: the first worker stayed silent and the page started another (scripts/demo/app.js)
        console.log(`${name} demo: build ${state.backend.build}, ${state.backend.threads} threads; training workers started: ${state.workerStarts}`);
      } finally {
        await demo.close();
      }
    }, 180_000);

    it('the playground: one heat map per neuron of a 2-8-8-1 network, changing while training; chapter mode logs 0.6931 … 0.4775; no errors', async () => {
      const { startDemoServer } = await import('../../scripts/demo-server.js');
      const demo = await startDemoServer({ port: 0 });
      try {
        let t = Date.now();
        await page.goto(`${demo.url}#dataset=circle&features=x1,x2&hidden=8,8&activation=tanh&lr=0.03&batch=10&seed=1`);
        await page.waitFor('window.demoState?.ready && window.demoState.progressCount > 0', 60_000, 'window.demoState');
        // 7 feature boxes, 8 + 8 + 1 neuron boxes, 2·8 + 8·8 + 8 weight lines
        expect(await page.read(`return ['#net .feature', '#net .col > .neuron', '#net path.hit'].map((q) => document.querySelectorAll(q).length);`))
          .toEqual([7, 17, 2 * 8 + 8 * 8 + 8]);
        // every neuron's map drawn once (the first frame follows the first progress message)
        await page.waitFor(`(${PLAYGROUND_MAPS}).every((m) => m.colored > 0.2)`, 30_000, `(${PLAYGROUND_MAPS}).map((m) => m.colored)`);
        const workerStarts = await page.read<number>('return demoState.workerStarts;');
        const read = () => page.read<{ epoch: number; frames: number; maps: { sum: number; colored: number }[] }>(
          `return { epoch: demoState.epoch, frames: demoState.viewFrames, maps: ${PLAYGROUND_MAPS} };`);
        const initial = await read();
        expect(initial.maps).toHaveLength(17);
        await page.run(`document.querySelector('#start').click();`);
        await page.waitFor(`demoState.status === 'training' && demoState.epoch > 50 && demoState.viewFrames > ${initial.frames}`, 60_000, 'window.demoState');
        const a = await read();
        await page.waitFor(`demoState.epoch > ${a.epoch + 100} && demoState.viewFrames > ${a.frames + 2}`, 60_000, 'window.demoState');
        const b = await read();
        await page.run(`document.querySelector('#start').click();`);
        await page.waitFor(`demoState.status === 'paused'`, 30_000, 'window.demoState');
        const changed = (x: typeof a, y: typeof a) => y.maps.filter((m, i) => m.sum !== x.maps[i]!.sum).length;
        for (const m of b.maps) expect(m.colored).toBeGreaterThan(0.2);
        expect(changed(initial, a)).toBeGreaterThan(12);
        expect(changed(a, b)).toBeGreaterThan(12);
        expect(await page.errors()).toEqual([]);
        expect(await page.read(`return document.querySelector('#error').textContent;`)).toBe('');
        const playgroundMs = Date.now() - t;

        // chapter mode, from the link (a fresh page load, not a hash change on the playground)
        t = Date.now();
        await page.goto('about:blank');
        await page.goto(`${demo.url}#mode=chapter`);
        await page.waitFor('window.demoState?.chapter?.epoch === 0 && window.demoState.chapter.log.length === 1', 60_000, 'window.demoState?.chapter');
        expect(await page.read(`const c = demoState.chapter;
          return { seed: document.querySelector('#ch-seed').value, loss: c.loss.toFixed(4), log: c.log };`))
          .toEqual({ seed: '42', loss: CHAPTER_LOG[0], log: [`Epoch 0, Loss: ${CHAPTER_LOG[0]}`] });
        await page.run(`document.querySelector('#ch-run').click();`);
        await page.waitFor('demoState.chapter.epoch === 10000 && !demoState.chapter.running', 60_000, '{ epoch: demoState.chapter.epoch, running: demoState.chapter.running }');
        const chapter = await page.read<{ epoch: number; loss: string; log: string[]; shown: string }>(`const c = demoState.chapter;
          return { epoch: c.epoch, loss: c.loss.toFixed(4), log: c.log, shown: document.querySelector('#ch-loss').textContent };`);
        expect(chapter).toEqual({ epoch: 10000, loss: '0.4775', shown: '0.4775', log: CHAPTER_LOG.map((l, i) => `Epoch ${i * 1000}, Loss: ${l}`) });
        expect(await page.errors()).toEqual([]);
        expect(await page.read(`return document.querySelector('#error').textContent;`)).toBe('');
        console.log(`${name} playground: ${b.epoch - a.epoch} epochs and ${b.frames - a.frames} view frames between the two reads; ` +
          `network view ${(playgroundMs / 1000).toFixed(1)} s (training workers started: ${workerStarts}), chapter mode to epoch 10,000 ${((Date.now() - t) / 1000).toFixed(1)} s`);
      } finally {
        await demo.close();
      }
    }, 240_000);
  });
}


