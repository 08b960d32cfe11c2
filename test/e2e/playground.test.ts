// The playground (`npm run demo`) in headless Chromium: the network view, settings in the URL
// hash, Step, weight editing, chapter mode against the chapter's printed log, keyboard access,
// a colour-blind check of the palette, screenshots (out/test/, the README's two copied to
// scripts/demo/), and the speed of the view and of training (measured and reported, not asserted).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server.js';
import { collectErrors, launchChromium } from '../support/browser.js';
import { CHAPTER_LOG } from '../support/chapter.js';
import { PLAYGROUND_MAPS } from './support/playground.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = join(root, 'out', 'test');
let browser: Browser;
let server: DemoServer;

interface DemoState {
  ready: boolean; status: string; epoch: number; trainLoss: number; testLoss: number; epochsPerSec: number;
  viewFrames: number; progressCount: number; dataCount: number; mode: string;
  history: { loss: number[]; test: number[]; stride: number } | null;
  weights: { w: Float32Array; b: Float32Array }[] | null;
  config: Record<string, unknown>;
  chapter?: { epoch: number; loss: number; log: string[]; running: boolean };
}
const demo = (page: Page): Promise<DemoState> => page.evaluate('window.demoState') as Promise<DemoState>;

/** Open the page with a hash and wait until the worker has built the data and the network. */
async function open(hash = '', viewport = { width: 1280, height: 720 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors = collectErrors(page);
  await page.goto(server.url + hash);
  await page.waitForFunction('window.demoState && window.demoState.ready && window.demoState.progressCount > 0', null, { timeout: 30_000 });
  return { page, errors };
}

/** Click a button and wait for a progress message with the given epoch. */
async function clickUntilEpoch(page: Page, selector: string, epoch: number): Promise<void> {
  await page.click(selector);
  await page.waitForFunction(`window.demoState.epoch === ${epoch} && document.body.dataset.status !== 'training'`, null, { timeout: 10_000 });
}

/** Pause training and wait for the paused progress (which carries the loss history up to its epoch). */
async function pause(page: Page): Promise<void> {
  await page.click('#start');
  await page.waitForFunction(
    `document.body.dataset.status === 'paused' && window.demoState.historyEpoch === window.demoState.epoch && window.demoState.epoch > 0`,
    null, { timeout: 10_000 },
  );
}

/** Set the page's hash (as a link followed on the page would) and wait until the page has handled it. */
async function setHash(page: Page, hash: string): Promise<void> {
  await page.evaluate(`new Promise((r) => { addEventListener('hashchange', () => setTimeout(r, 0), { once: true }); location.hash = ${JSON.stringify(hash)}; })`);
}

/** The page's address as search parameters. */
async function hashParams(page: Page): Promise<URLSearchParams> {
  return new URLSearchParams(((await page.evaluate('location.hash')) as string).slice(1));
}

const LINK_WARNING = 'the link has settings this page does not know, ignored: ';

beforeAll(async () => {
  await mkdir(out, { recursive: true });
  server = await startDemoServer({ port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the playground (npm run demo)', () => {
  it('draws one map per neuron that changes while training, and reports the view and training speed', async () => {
    const { page, errors } = await open('#dataset=circle&features=x1,x2&hidden=8,8&activation=tanh&lr=0.03&batch=10&seed=1');
    try {
      // 2 inputs → 8 → 8 → 1: 17 neuron boxes besides the 7 feature boxes, and 2·8 + 8·8 + 8 lines
      expect(await page.locator('#net .feature').count()).toBe(7);
      expect(await page.locator('#net .col > .neuron').count()).toBe(17);
      expect(await page.locator('#net path.hit').count()).toBe(2 * 8 + 8 * 8 + 8);
      // each neuron's square holds a map: pixels of the shared canvas inside every box, not all white
      const maps = PLAYGROUND_MAPS;
      const before = (await page.evaluate(maps)) as { sum: number; colored: number }[];
      expect(before).toHaveLength(17);
      for (const m of before) expect(m.colored).toBeGreaterThan(0.2);

      // train with the view on, then off; count frames drawn and epochs per second
      // (browserFramesPerSec: animation frames the browser ran meanwhile, the ceiling for the view)
      await page.evaluate('window.rafCount = 0; (function tick() { window.rafCount++; requestAnimationFrame(tick); })()');
      const measure = async (ms: number) => {
        const a = await demo(page), ra = (await page.evaluate('window.rafCount')) as number;
        const t0 = Date.now();
        await page.waitForTimeout(ms);
        const b = await demo(page), rb = (await page.evaluate('window.rafCount')) as number;
        const s = (Date.now() - t0) / 1000, r = (x: number) => Math.round(x * 10) / 10;
        return { epochsPerSec: Math.round((b.epoch - a.epoch) / s), framesPerSec: r((b.viewFrames - a.viewFrames) / s), browserFramesPerSec: r((rb - ra) / s) };
      };
      await page.click('#start');
      await page.waitForFunction('window.demoState.epoch > 50', null, { timeout: 20_000 });
      const withView = await measure(3000);
      const after = (await page.evaluate(maps)) as { sum: number; colored: number }[];
      expect(after.filter((m, i) => m.sum !== before[i]!.sum).length).toBeGreaterThan(12);
      await page.uncheck('#live-view');
      await page.waitForTimeout(300);
      const withoutView = await measure(3000);
      await page.check('#live-view');
      await pause(page);
      expect(withView.framesPerSec).toBeGreaterThan(0);
      expect(withoutView.framesPerSec).toBe(0); // the view really was off
      const speed = {
        network: '2-8-8-1', batchSize: 10, trainingRows: 100, withView, withoutView,
        drawMsPerFrame: Math.round(((await page.evaluate('window.demoState.drawMs')) as number) * 10) / 10,
        cores: (await page.evaluate('navigator.hardwareConcurrency')) as number, loadAverage: loadavg()[0],
      };
      console.log('playground speed', JSON.stringify(speed));
      await writeFile(join(out, 'playground-speed.json'), JSON.stringify(speed, null, 2) + '\n');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('restores every setting from the hash, and the same link gives the same run', async () => {
    const hash = '#problem=classification&dataset=xor&classes=2&n=100&noise=0.2&ratio=70&batch=4&seed=7&activation=relu&lr=0.1' +
      '&reg=l2&regRate=0.003&optimizer=adam&init=he&features=x1,x2,x1x2&hidden=3,5&showTest=1';
    const runs: { loss: number[]; stride: number }[] = [];
    for (let r = 0; r < 2; r++) {
      const { page, errors } = await open(hash);
      try {
        const values = await page.evaluate(`['dataset', 'n', 'noise', 'ratio', 'batch', 'seed', 'activation', 'lr', 'reg', 'reg-rate', 'optimizer', 'init']
          .map((id) => document.getElementById(id).value)`);
        expect(values).toEqual(['xor', '100', '0.2', '70', '4', '7', 'relu', '0.1', 'l2', '0.003', 'adam', 'he']);
        expect(await page.isChecked('#show-test')).toBe(true);
        const pressed = await page.locator('#net .feature[aria-pressed=true] .fname').allTextContents();
        expect(pressed).toEqual(['x₁', 'x₂', 'x₁x₂']);
        expect(await page.locator('#net .col-head > span').allTextContents()).toEqual(['3 neurons', '5 neurons']);
        const s = await demo(page);
        expect(s.config).toMatchObject({ dataset: 'xor', n: 100, ratio: 70, seed: 7, hidden: [3, 5], features: ['x1', 'x2', 'x1x2'], reg: 'l2', regRate: 0.003 });
        // the page writes back the same settings
        const params = new URLSearchParams((await page.evaluate('location.hash') as string).slice(1));
        for (const [k, v] of new URLSearchParams(hash.slice(1))) expect(params.get(k), k).toBe(v);
        // run at full speed for a while (time slices fall differently on every run)
        await page.click('#start');
        await page.waitForFunction('window.demoState.epoch >= 150', null, { timeout: 30_000 });
        await pause(page);
        const h = (await demo(page)).history!;
        // past 4,000 epochs (Pause lands late on a loaded machine) the page keeps pairs' means
        expect(h.loss.length).toBe(Math.floor((await demo(page)).epoch / h.stride));
        runs.push(h);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }
    // the first 150 epochs of both runs, at the coarser run's stride (as the page pairs them)
    const stride = Math.max(runs[0]!.stride, runs[1]!.stride);
    const pairs = (a: number[]) => Array.from({ length: a.length >> 1 }, (_, i) => (a[2 * i]! + a[2 * i + 1]!) / 2);
    const first = (h: { loss: number[]; stride: number }) => {
      let l = h.loss;
      for (let k = h.stride; k < stride; k *= 2) l = pairs(l);
      return l.slice(0, Math.floor(150 / stride));
    };
    expect(first(runs[0]!).length).toBeGreaterThanOrEqual(2);
    expect(first(runs[1]!)).toEqual(first(runs[0]!));
  });

  it('Step trains exactly one epoch: eight Steps are the first eight epochs of a run', async () => {
    const hash = '#dataset=circle&features=x1,x2,x1sq,x2sq&hidden=4&batch=0&seed=3&lr=0.3&activation=tanh';
    const { page, errors } = await open(hash);
    const STEPS = 8;
    try {
      expect((await demo(page)).epoch).toBe(0);
      for (let e = 1; e <= STEPS; e++) {
        await clickUntilEpoch(page, '#step', e);
        const s = await demo(page);
        expect(s.epoch).toBe(e);
        expect(s.history!.loss).toHaveLength(e);
        await expect.poll(() => page.textContent('#epoch')).toBe(String(e));
      }
      const stepped = (await demo(page)).history!.loss;
      // The run's history: a tiny network trains thousands of epochs before Pause lands (more on
      // a loaded machine), and past 4,000 the page keeps pairs' means (stride 2, 4, …). Its first
      // entries are then means of pairs of the stepped losses, formed as the page forms them.
      const pairs = (a: number[]) => Array.from({ length: a.length >> 1 }, (_, i) => (a[2 * i]! + a[2 * i + 1]!) / 2);
      let run: { loss: number[]; stride: number } | null = null;
      for (let attempt = 0; attempt < 3 && !(run && run.stride <= STEPS); attempt++) {
        await clickUntilEpoch(page, '#reset', 0);
        await page.click('#start');
        await page.waitForFunction('window.demoState.epoch >= 8', null, { timeout: 20_000 });
        await pause(page);
        run = (await demo(page)).history!;
      }
      expect(run!.stride).toBeLessThanOrEqual(STEPS);
      let expected = stepped;
      for (let k = 1; k < run!.stride; k *= 2) expected = pairs(expected);
      expect(run!.loss.slice(0, expected.length)).toEqual(expected);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a weight changed in the view (keyboard: arrows, Enter, a value) is where training goes on from', async () => {
    const { page, errors } = await open('#dataset=circle&features=x1,x2&hidden=2&batch=0&seed=2&lr=0.1');
    try {
      await page.focus('#net svg.links');
      await page.keyboard.press('ArrowDown'); // the second line: x₁ → h1.2, weights[0] at (0, 1)
      await expect.poll(() => page.textContent('.tip')).toMatch(/^weight x₁ → h1\.2: -?\d\.\d{4}$/);
      await page.keyboard.press('Enter');
      await page.fill('#weight-input', '2.5');
      await page.keyboard.press('Enter');
      await page.waitForFunction('window.demoState.weights && window.demoState.weights[0].w[1] === 2.5', null, { timeout: 10_000 });
      expect(await page.evaluate('document.activeElement.matches("#net svg.links")')).toBe(true);
      await clickUntilEpoch(page, '#step', 1);
      const w = (await page.evaluate('window.demoState.weights[0].w[1]')) as number;
      expect(w).not.toBe(2.5);
      expect(Math.abs(w - 2.5)).toBeLessThan(0.5); // one step on from 2.5, not a fresh network
      // hovering a line shows its weight
      const [layer, i, j] = await hoverLine(page, 1);
      const cols = (await page.evaluate(`window.demoState.weights[${layer}].b.length`)) as number;
      const shown = (await page.evaluate(`window.demoState.weights[${layer}].w[${i * cols + j}]`)) as number;
      await expect.poll(() => page.textContent('.tip')).toMatch(new RegExp(`^weight .+ → .+: ${shown.toFixed(4)}$`));
      // clicking it opens the editor on that weight; Escape closes it
      await page.mouse.down();
      await page.mouse.up();
      expect(Number(await page.inputValue('#weight-input'))).toBeCloseTo(shown, 4);
      await page.keyboard.press('Escape');
      expect(await page.locator('.editor').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a link\'s values: "7 " is seed 7, x1,x1 is x1, a value a control refuses is ignored with a short warning naming its key', async () => {
    // "7 " was accepted by the link check, refused by the number field: no seed, no config, no network
    const { page, errors } = await open('#seed=7%20&features=x1,x1&dataset=xor&hidden=3');
    try {
      expect(await page.inputValue('#seed')).toBe('7');
      expect((await demo(page)).config).toMatchObject({ seed: 7, features: ['x1'] });
      let p = await hashParams(page);
      expect([p.get('seed'), p.get('features')]).toEqual(['7', 'x1']);
      expect(await page.textContent('#error')).toBe('');
      // x1 twice was two features to the guard: the last one could be switched off (an error in the worker)
      await page.click('#net .feature[aria-pressed=true]');
      expect(await page.textContent('#error')).toBe('the network needs at least one input feature');
      expect((await hashParams(page)).get('features')).toBe('x1');
      for (const [hash, seed] of [['#seed=%208%0A', 8], ['#seed=9%09', 9]] as const) {
        await setHash(page, hash);
        expect(await page.inputValue('#seed')).toBe(String(seed));
        expect((await demo(page)).config.seed).toBe(seed);
        expect((await hashParams(page)).get('seed')).toBe(String(seed));
      }
      // slider values that Number() reads but the slider does not (it moved them to its midpoint)
      await setHash(page, '#ratio=70&noise=0.2');
      for (const [hash, key, shown] of [['#ratio=0x1A', 'ratio', '0x1A'], ['#ratio=%2B80', 'ratio', '+80'], ['#noise=0x0', 'noise', '0x0'],
        ['#noise=%200.3', 'noise', ' 0.3'], ['#noise=0.005', 'noise', '0.005']] as const) {
        await setHash(page, hash);
        expect(await page.textContent('#error'), hash).toBe(`${LINK_WARNING}${key}=${shown}`);
        expect(await page.inputValue('#ratio')).toBe('70');
        expect(await page.inputValue('#noise')).toBe('0.2');
        p = await hashParams(page);
        expect([p.get('ratio'), p.get('noise'), p.get('seed')]).toEqual(['70', '0.2', '9']);
      }
      expect((await demo(page)).config).toMatchObject({ ratio: 70, noise: 0.2, seed: 9 });
      // text from a link is echoed shortened, with its key
      const notice = 'SECURITY NOTICE: your session expired, enter your password at http://evil.example ';
      await setHash(page, '#features=' + encodeURIComponent(notice + 'X'.repeat(200_000)));
      expect(await page.textContent('#error')).toBe(`${LINK_WARNING}features=${notice.slice(0, 40)}…`);
      await setHash(page, '#hidden=100000&seed=abc');
      expect(await page.textContent('#error')).toBe(`${LINK_WARNING}seed=abc, hidden=100000`);
      // a link with nothing to ignore clears the warning
      await setHash(page, '#seed=5');
      expect(await page.textContent('#error')).toBe('');
      expect((await demo(page)).config).toMatchObject({ seed: 5, features: ['x1'], hidden: [3] });
      expect(await page.getAttribute('body', 'data-status')).toBe('idle');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an invalid seed typed in: Start, Step and Reset refuse it and the address keeps the run\'s seed; the weight editor refuses values beyond float32', async () => {
    const { page, errors } = await open('#dataset=circle&features=x1,x2&hidden=2&batch=0&seed=2&lr=0.1');
    try {
      await page.fill('#seed', '99999999999');
      await page.dispatchEvent('#seed', 'change');
      expect(await page.textContent('#seed-hint')).toBe('a whole number 0–4294967295');
      expect(await page.getAttribute('#seed', 'aria-invalid')).toBe('true');
      expect((await hashParams(page)).get('seed')).toBe('2');
      const progressCount = (await demo(page)).progressCount;
      for (const button of ['#step', '#reset', '#start']) {
        await page.evaluate(`document.getElementById('error').textContent = ''`);
        await page.click(button);
        expect(await page.textContent('#error'), button).toBe('fix the highlighted settings first');
      }
      await page.waitForTimeout(300);
      const s = await demo(page);
      expect([s.progressCount, s.epoch, s.status, s.config.seed]).toEqual([progressCount, 0, 'idle', 2]);
      await page.click('#share'); // the link it copies is the address: the run's settings
      expect((await hashParams(page)).get('seed')).toBe('2');
      await page.fill('#seed', '2');
      await page.dispatchEvent('#seed', 'change');
      expect(await page.getAttribute('#seed', 'aria-invalid')).toBe('false');

      // the weight editor: past float32's largest value, refused in place (Matrix.set threw in the worker)
      await page.focus('#net svg.links');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const before = (await page.evaluate('window.demoState.weights[0].w[1]')) as number;
      for (const v of ['1e39', '-1e39', '3.5e38', 'NaN']) {
        await page.fill('#weight-input', v).catch(() => page.evaluate(`document.getElementById('weight-input').value = ${JSON.stringify(v)}`));
        await page.press('#weight-input', 'Enter');
        expect(await page.locator('#weight-input').count(), `${v}: the editor stays open`).toBe(1);
        expect(await page.getAttribute('#weight-input', 'aria-invalid'), v).toBe('true');
        expect(await page.textContent('#weight-hint')).toBe('a number from −3.4028234e38 to 3.4028234e38 (a float32 weight)');
      }
      await page.waitForTimeout(200);
      expect(await page.getAttribute('body', 'data-status')).toBe('idle');
      expect((await page.evaluate('window.demoState.weights[0].w[1]')) as number).toBe(before);
      await page.fill('#weight-input', '-2.5');
      await page.press('#weight-input', 'Enter');
      await page.waitForFunction('window.demoState.weights[0].w[1] === -2.5', null, { timeout: 10_000 });
      expect(await page.locator('.editor').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('chapter mode: a seed or learning rate the page cannot use, from a link (first load or later) or typed in, is ignored with a warning', async () => {
    const { page, errors } = await open('#mode=chapter&cseed=99999999999&clr=5');
    try {
      await page.waitForFunction('window.demoState.chapter && window.demoState.chapter.epoch === 0', null, { timeout: 30_000 });
      expect([await page.inputValue('#ch-seed'), await page.inputValue('#ch-lr')]).toEqual(['42', '0.1']);
      expect(await page.textContent('#error')).toBe(`${LINK_WARNING}cseed=99999999999, clr=5`);
      let p = await hashParams(page);
      expect([p.get('cseed'), p.get('clr')]).toEqual(['42', '0.1']);
      await setHash(page, '#mode=chapter&cseed=7');
      expect(await page.inputValue('#ch-seed')).toBe('7');
      expect(await page.textContent('#error')).toBe('');
      await page.click('#ch-step');
      await page.waitForFunction('window.demoState.chapter.epoch === 1');
      const loss = await page.textContent('#ch-loss');
      for (const bad of ['-1', '99999999999']) {
        await setHash(page, `#mode=chapter&cseed=${bad}`);
        expect(await page.textContent('#error')).toBe(`${LINK_WARNING}cseed=${bad}`);
        expect(await page.inputValue('#ch-seed')).toBe('7');
        expect((await hashParams(page)).get('cseed')).toBe('7');
      }
      // typed in: the run of seed 7 stays, and so does the address
      await page.fill('#ch-seed', '99999999999');
      await page.dispatchEvent('#ch-seed', 'change');
      expect(await page.textContent('#error')).toBe('chapter mode: the seed must be a whole number 0–4294967295; still showing the run of seed 7');
      expect(await page.getAttribute('#ch-seed', 'aria-invalid')).toBe('true');
      expect((await hashParams(page)).get('cseed')).toBe('7');
      expect(((await page.evaluate('window.demoState.chapter.epoch')) as number)).toBe(1);
      expect(await page.textContent('#ch-loss')).toBe(loss);
      await page.fill('#ch-seed', '0');
      await page.dispatchEvent('#ch-seed', 'change');
      await page.waitForFunction('window.demoState.chapter.epoch === 0');
      expect(await page.textContent('#error')).toBe('');
      expect((await hashParams(page)).get('cseed')).toBe('0');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a slider moved just before Start: training starts with its value', async () => {
    const { page, errors } = await open('#dataset=circle&noise=0.05&seed=3');
    try {
      await page.evaluate(`(() => {
        const r = document.querySelector('#noise');
        r.value = '0.3';
        r.dispatchEvent(new Event('input', { bubbles: true }));
        document.querySelector('#start').click();
      })()`);
      await page.waitForFunction(`window.demoState.status === 'training' && window.demoState.config.noise === 0.3`, null, { timeout: 10_000 });
      await pause(page);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the server answers requests Node\'s parser refuses (431, 400) and CONNECT (405) with the cross-origin-isolation headers', async () => {
    const { port } = new URL(server.url);
    const raw = (request: string) => new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.setTimeout(5000, () => socket.destroy());
    });
    for (const [request, status] of [
      [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, '431 Request Header Fields Too Large'],
      ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', '405 Method Not Allowed'],
      ['GARBAGE\r\n\r\n', '400 Bad Request'],
    ] as const) {
      const response = await raw(request);
      const head = response.split('\r\n\r\n')[0]!.split('\r\n');
      expect(head[0], request.slice(0, 20)).toBe(`HTTP/1.1 ${status}`);
      expect(head).toContain('Cross-Origin-Opener-Policy: same-origin');
      expect(head).toContain('Cross-Origin-Embedder-Policy: require-corp');
      expect(head).toContain('Connection: close');
    }
  });

  it('regression: the plane data set trains a linear output with mean squared error', async () => {
    const { page, errors } = await open('#problem=regression&dataset=plane&noise=0&features=x1,x2&hidden=&batch=0&lr=0.1&seed=1');
    try {
      expect(await page.inputValue('#dataset')).toBe('plane');
      expect(await page.locator('#net .col > .neuron').count()).toBe(1); // no hidden layer: one output
      await page.click('#start');
      await page.waitForFunction('window.demoState.trainLoss < 1e-4 && window.demoState.testLoss < 1e-4', null, { timeout: 30_000 });
      await pause(page);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the downloads: the model as scratchnet JSON and the loss curve as SVG', async () => {
    const { page, errors } = await open('#dataset=xor&hidden=3&batch=0&seed=1');
    try {
      await clickUntilEpoch(page, '#step', 1);
      const [json] = await Promise.all([page.waitForEvent('download'), page.click('#dl-json')]);
      expect(json.suggestedFilename()).toBe('scratchnet-model.json');
      const doc = JSON.parse(await streamText(await json.createReadStream()));
      expect(doc).toMatchObject({ format: 'scratchnet', layerSizes: [2, 3, 1] });
      const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#dl-svg')]);
      expect(svg.suggestedFilename()).toBe('loss.svg');
      expect(await streamText(await svg.createReadStream())).toMatch(/^<svg[^>]*>[\s\S]*Loss over training[\s\S]*<\/svg>\s*$/);
      // ONNX and TensorFlow.js: net.toONNX() / net.toTfjs() in the bundle, so both buttons work
      expect(await page.isDisabled('#dl-onnx')).toBe(false);
      expect(await page.isDisabled('#dl-tfjs')).toBe(false);
      const names: string[] = [];
      const collect = (d: { suggestedFilename(): string }) => void names.push(d.suggestedFilename());
      page.on('download', collect);
      await page.click('#dl-tfjs');
      await page.click('#dl-onnx');
      await expect.poll(() => names.length, { timeout: 10_000 }).toBe(3);
      page.off('download', collect);
      expect(names.sort()).toEqual(['model.json', 'model.onnx', 'weights.bin']);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a training worker that stays silent is replaced once, with the settings sent so far; a second silent one is reported', async () => {
    // Chromium loads the worker's script through the page's network: holding that request leaves
    // the worker silent, as Firefox under load now and then does on its own (test/e2e/engines.test.ts)
    const run = async (held: number) => {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      const warnings: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'warning') warnings.push(m.text());
      });
      await page.addInitScript('window.scratchnetDemoReadyMs = 1500');
      let requests = 0;
      await page.route('**/worker.js', (route) => {
        if (++requests > held) void route.continue();
        // else: never answered, so that worker never runs
      });
      await page.goto(server.url + '#dataset=xor&hidden=3&seed=7');
      return { page, errors, warnings, requests: () => requests };
    };

    const once = await run(1);
    try {
      await once.page.waitForFunction('window.demoState.ready && window.demoState.progressCount > 0', null, { timeout: 20_000 });
      const s = (await once.page.evaluate('({ ...window.demoState })')) as DemoState & { workerStarts: number };
      expect(s.workerStarts).toBe(2);
      expect(once.requests()).toBe(2);
      // the config sent before the first worker went silent reached the second one
      expect(s.config).toMatchObject({ dataset: 'xor', hidden: [3], seed: 7 });
      expect(s.dataCount).toBeGreaterThan(0);
      expect(once.warnings.join('\n')).toMatch(/did not start within 1\.5 s \(its script had not run\); starting another/);
      expect(once.errors).toEqual([]);
      await clickUntilEpoch(once.page, '#step', 1);
    } finally {
      await once.page.close();
    }

    const twice = await run(Infinity);
    try {
      await twice.page.waitForFunction(`document.body.dataset.status === 'error'`, null, { timeout: 20_000 });
      expect(twice.requests()).toBe(2);
      expect(await twice.page.textContent('#error')).toMatch(/the training worker did not start within 1\.5 s, twice; reload the page/);
      expect(await twice.page.textContent('#backend')).toBe('kernels not loaded');
      expect(((await twice.page.evaluate('window.demoState')) as { ready: boolean }).ready).toBe(false);
    } finally {
      await twice.page.close();
    }
  }, 60_000);

  it('chapter mode: the chapter network and code beside live matrices, with the chapter log 0.6931 … 0.4775', async () => {
    const { page, errors } = await open('#mode=chapter');
    try {
      await page.waitForFunction('window.demoState.chapter && window.demoState.chapter.epoch === 0', null, { timeout: 30_000 });
      expect(await page.inputValue('#ch-seed')).toBe('42');
      expect(await page.inputValue('#ch-lr')).toBe('0.1');
      expect(await page.textContent('#ch-loss')).toBe('0.6931');
      expect(await page.textContent('#ch-log')).toBe('Epoch 0, Loss: 0.6931');
      const names = await page.locator('#ch-matrices figure.mat figcaption').allTextContents();
      for (const n of ['X 4×2', 'W1 2×4', 'b1 1×4', 'z = X · W1 + b1 4×4', 'ReLU(z) 4×4', 'W2 4×1', 'output = Sigmoid(z2) 4×1',
        'grad_output 4×1', 'layer 2: grad_weights 4×1', 'layer 1: grad_weights 2×4', 'W1 − lr · grad 2×4']) expect(names).toContain(n);
      expect(await page.textContent('#ch-code')).toContain('self.activation_input = x @ self.weights + self.bias');
      // one Step is one pass of the loop
      await page.click('#ch-step');
      await page.waitForFunction('window.demoState.chapter.epoch === 1');
      await page.click('#ch-reset');
      await page.waitForFunction('window.demoState.chapter.epoch === 0');
      await page.click('#ch-run');
      await page.waitForFunction('window.demoState.chapter.epoch === 10000 && !window.demoState.chapter.running', null, { timeout: 90_000 });
      expect((await page.textContent('#ch-log'))!.split('\n')).toEqual(CHAPTER_LOG.map((l, i) => `Epoch ${i * 1000}, Loss: ${l}`));
      expect(await page.textContent('#ch-loss')).toBe('0.4775');
      expect(await page.textContent('#ch-epoch')).toBe('10,000');
      expect(await page.textContent('#ch-note')).toMatch(/dead ReLUs.*rows of zeros/);
      await page.screenshot({ path: join(out, 'playground-chapter.png') });
      // another seed, from the link: its own run (seed 0 learns XOR)
      await page.goto(`${server.url}#mode=chapter&cseed=0&clr=0.1`);
      await page.waitForFunction('window.demoState.chapter && window.demoState.chapter.epoch === 0', null, { timeout: 30_000 });
      expect(await page.inputValue('#ch-seed')).toBe('0');
      await page.click('#ch-run');
      await page.waitForFunction('window.demoState.chapter.epoch === 10000 && !window.demoState.chapter.running', null, { timeout: 90_000 });
      expect(Number(await page.textContent('#ch-loss'))).toBeLessThan(0.01);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('every control is reachable with Tab and has a name, in both modes and at phone width', async () => {
    for (const [hash, viewport] of [
      ['#dataset=blobs', { width: 1280, height: 720 }],
      ['#mode=chapter', { width: 1280, height: 720 }],
      ['#dataset=circle', { width: 390, height: 844 }],
      ['#mode=chapter', { width: 390, height: 844 }],
    ] as const) {
      const { page, errors } = await open(hash, viewport);
      try {
        if (hash.includes('chapter')) await page.waitForFunction('window.demoState.chapter', null, { timeout: 30_000 });
        await page.evaluate(`document.querySelectorAll('button, select, input, [tabindex]').forEach((e, i) => e.dataset.k = i);
          window.reached = new Set(); document.addEventListener('focusin', (e) => window.reached.add(e.target.dataset.k))`);
        const controls = (await page.evaluate(`[...document.querySelectorAll('button, select, input, [tabindex="0"]')]
          .filter((e) => e.getClientRects().length > 0 && !e.disabled)
          .map((e) => ({ k: e.dataset.k, id: e.id || e.className.baseVal || e.className || e.textContent,
            name: (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent) || e.textContent || '').trim() }))`)) as { k: string; id: string; name: string }[];
        expect(controls.length).toBeGreaterThanOrEqual(hash.includes('chapter') ? 8 : 25);
        for (let i = 0; i < controls.length + 3; i++) await page.keyboard.press('Tab');
        const reached = new Set((await page.evaluate('[...window.reached]')) as string[]);
        for (const c of controls) {
          expect(reached.has(c.k), `${c.id} reachable with Tab (${hash})`).toBe(true);
          expect(c.name.length, `${c.id} has a name`).toBeGreaterThan(0);
        }
        // nothing wider than the window
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
        if (viewport.width === 390 && !hash.includes('chapter')) {
          await page.evaluate(`document.activeElement.blur(); document.querySelector('.network').scrollIntoView()`);
          await page.screenshot({ path: join(out, 'playground-phone.png') });
        }
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  it('the palette stays distinguishable under simulated deuteranopia (Machado et al. 2009, severity 1)', async () => {
    const { page, errors } = await open();
    try {
      const p = (await page.evaluate('window.demoPalette')) as { classes: string[]; negative: string; positive: string };
      const pairs: [string, string][] = [];
      p.classes.forEach((a, i) => p.classes.slice(i + 1).forEach((b) => pairs.push([a, b])));
      pairs.push([p.negative, p.positive]);
      for (const [a, b] of pairs) {
        expect(deltaE(deuteranopia(a), deuteranopia(b)), `${a} vs ${b} as a deuteranope sees them`).toBeGreaterThan(20);
        expect(deltaE(rgb(a), rgb(b)), `${a} vs ${b}`).toBeGreaterThan(20);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('screenshots: the network view after training (the README shows it and chapter mode)', async () => {
    const { page, errors } = await open('#dataset=spirals&n=500&noise=0&ratio=70&features=x1,x2,x1sq,x2sq,sinx1,sinx2&hidden=8,8,4&activation=tanh&lr=0.03&batch=10&seed=2&showTest=1');
    try {
      await page.click('#start');
      await page.waitForFunction('window.demoState.epoch >= 600', null, { timeout: 60_000 });
      await pause(page);
      await hoverLine(page, 20);
      await page.screenshot({ path: join(out, 'playground.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
    // the README's copies: the same pixels with at most 256 colours, as an indexed PNG
    const page2 = await browser.newPage();
    try {
      for (const [from, to] of [['playground.png', 'playground.png'], ['playground-chapter.png', 'chapter.png']] as const) {
        // written to out/test/ always; into scripts/demo/ (committed) only with UPDATE_SCREENSHOTS=1,
        // so a test run leaves the working tree clean
        const png = await indexedPng(page2, await readFile(join(out, from)));
        expect(png.length).toBeLessThan(150_000);
        await writeFile(join(out, `readme-${to}`), png);
        if (process.env.UPDATE_SCREENSHOTS === '1') await writeFile(join(root, 'scripts', 'demo', to), png);
      }
    } finally {
      await page2.close();
    }
  }, 90_000);
});

/** Move the mouse onto a quarter of the way along line `n`; returns the line under it ([layer, i, j]). */
async function hoverLine(page: Page, n: number): Promise<[number, number, number]> {
  const [x, y] = (await page.evaluate(`(() => {
    const p = document.querySelectorAll('#net path.hit')[${n}], pt = p.getPointAtLength(p.getTotalLength() / 4);
    const r = document.getElementById('net').getBoundingClientRect();
    return [r.left + pt.x, r.top + pt.y];
  })()`)) as [number, number];
  await page.mouse.move(x, y);
  const link = (await page.evaluate(`document.elementFromPoint(${x}, ${y}).dataset.link`)) as string;
  const [layer, i, j] = link.split(',').map(Number);
  return [layer!, i!, j!];
}

/**
 * A screenshot as an indexed PNG (≤ 256 colours): the browser decodes it to RGBA, the palette is the
 * 256 most frequent colours at 5 bits per channel, every pixel takes the nearest, and zlib packs it.
 */
async function indexedPng(page: Page, png: Buffer): Promise<Buffer> {
  const [w, h, b64] = (await page.evaluate(`(async () => {
    const img = new Image(); img.src = 'data:image/png;base64,${png.toString('base64')}'; await img.decode();
    const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let s = ''; for (let i = 0; i < d.length; i += 32768) s += String.fromCharCode(...d.subarray(i, i + 32768));
    return [c.width, c.height, btoa(s)];
  })()`)) as [number, number, string];
  const rgba = Buffer.from(b64, 'base64');
  const bin = (i: number) => ((rgba[i]! >> 3) << 10) | ((rgba[i + 1]! >> 3) << 5) | (rgba[i + 2]! >> 3);
  const count = new Map<number, number>();
  for (let i = 0; i < rgba.length; i += 4) count.set(bin(i), (count.get(bin(i)) ?? 0) + 1);
  const palette = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 256).map(([k]) => [(k >> 10) & 31, (k >> 5) & 31, k & 31]);
  const nearest = new Map<number, number>();
  const index = (k: number): number => {
    let best = nearest.get(k);
    if (best !== undefined) return best;
    const [r, g, b] = [(k >> 10) & 31, (k >> 5) & 31, k & 31];
    let bestD = Infinity;
    palette.forEach(([pr, pg, pb], i) => {
      const d = 2 * (pr! - r) ** 2 + 4 * (pg! - g) ** 2 + 3 * (pb! - b) ** 2;
      if (d < bestD) [bestD, best] = [d, i];
    });
    nearest.set(k, best!);
    return best!;
  };
  const raw = Buffer.alloc(h * (w + 1));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = index(bin(4 * (y * w + x)));
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4), crc = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8-bit indices, colour type 3 (palette)
  const plte = Buffer.from(palette.flatMap((c) => c.map((v) => (v! << 3) | (v! >> 2))));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

// Colour science for the palette check: sRGB → linear → (deuteranopia) → CIELAB, ΔE 1976.
function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
}
function deuteranopia(hex: string): number[] {
  const [r, g, b] = rgb(hex) as [number, number, number];
  const m = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]];
  return m.map((row) => Math.min(1, Math.max(0, row[0]! * r + row[1]! * g + row[2]! * b)));
}
function lab([r, g, b]: number[]): number[] {
  const x = (0.4124 * r! + 0.3576 * g! + 0.1805 * b!) / 0.95047, y = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!, z = (0.0193 * r! + 0.1192 * g! + 0.9505 * b!) / 1.08883;
  const f = (t: number) => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
function deltaE(a: number[], b: number[]): number {
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
}
