// In headless Chromium: a page imports the browser bundle (dist/scratchnet.browser.js, built by
// `npm run build`) and onnxruntime-web's browser build, trains a network, exports it with
// toONNX() and runs the bytes in onnxruntime-web inside the page; tfjs' format is read back too.
// And the demo (`npm run demo`): its "Download model: ONNX" button's file holds the demo's
// network, and runs in onnxruntime-web inside the demo page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer, type DemoServer } from '../../scripts/demo-server.js';
import { init, NeuralNetwork } from '../../src/index.js';
import { collectErrors, pageSite } from '../support/browser.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let demoServer: DemoServer;

const PAGE = `<!doctype html><meta charset="utf-8"><title>interop</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "scratchnet": "/dist/scratchnet.browser.js", "onnxruntime-web": "/ort/ort.min.mjs" } }</script>
<script type="module">
import { init, NeuralNetwork, ReLU, LeakyReLU, Softmax, Matrix } from 'scratchnet';
import * as ort from 'onnxruntime-web';
try {
  await init();
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/ort/';
  const net = new NeuralNetwork([4, 9, 5, 3], [new ReLU(), new LeakyReLU(0.1), new Softmax()], { seed: 2, init: 'he' });
  const X = [], Y = [];
  for (let i = 0; i < 60; i++) {
    const x = [Math.sin(i), Math.cos(i * 1.3), (i % 7) / 7, (i % 3) - 1];
    X.push(x);
    Y.push([0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)));
  }
  net.train(X, Y, { epochs: 30, learningRate: 0.01, optimizer: 'adam', loss: 'softmaxCrossEntropy' });
  const x = new Matrix(X.length, 4, Float32Array.from(X.flat()));
  const ours = Array.from(net.predict(x).data);
  const bytes = net.toONNX();
  // what a "Download model (ONNX)" button hands the user: a Blob of those bytes, read back
  const blob = new Blob([bytes], { type: 'application/octet-stream' });
  const session = await ort.InferenceSession.create(new Uint8Array(await blob.arrayBuffer()));
  const out = await session.run({ input: new ort.Tensor('float32', x.data, [X.length, 4]) });
  const { modelJson, weights } = net.toTfjs();
  const back = NeuralNetwork.fromTfjs(JSON.stringify(modelJson), weights);
  window.result = { ours, theirs: Array.from(out.output.data), bytes: bytes.length,
    tfjsSame: Array.from(back.predict(x).data).every((v, i) => v === ours[i]) };
} catch (e) {
  window.result = { error: String(e && e.stack || e) };
}
</script>`;

const site = pageSite('interop-browser', (dir) => writeFile(join(dir, 'index.html'), PAGE), { '/ort/': 'node_modules/onnxruntime-web/dist' });

beforeAll(async () => {
  demoServer = await startDemoServer({ port: 0 });
  await init();
});

afterAll(async () => {
  await demoServer?.close();
});

describe('interop in headless Chromium', () => {
  it('a network trained in the page runs in onnxruntime-web in the page (within 1e-5 relative); its tfjs files read back exactly', async () => {
    const page = await site.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/index.html`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as {
      error?: string; ours: number[]; theirs: number[]; bytes: number; tfjsSame: boolean;
    };
    expect(r.error).toBeUndefined();
    expect(r.theirs).toHaveLength(60 * 3);
    const rel = Math.max(...r.ours.map((v, i) => Math.abs(v - r.theirs[i]!) / Math.max(Math.abs(r.theirs[i]!), 0.01)));
    console.log(`interop in Chromium: ${r.bytes} ONNX bytes, max relative difference vs onnxruntime-web ${rel}`);
    expect(rel).toBeLessThan(1e-5);
    expect(r.tfjsSame).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the demo\'s "Download model" buttons', () => {
  it('ONNX: the network the demo trained, running in onnxruntime-web inside the demo page; TensorFlow.js: the same network', async () => {
    const page = await site.browser.newPage();
    const errors = collectErrors(page);
    // onnxruntime-web's browser build, served to the demo page from node_modules (same origin)
    await page.route('**/ort/*', async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      await route.fulfill({
        path: join(root, 'node_modules/onnxruntime-web/dist', name),
        headers: { 'Content-Type': name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript', 'Cross-Origin-Resource-Policy': 'same-origin' },
      });
    });
    await page.goto(`${demoServer.url}#dataset=circle&features=x1,x2&hidden=5,3&activation=tanh&seed=3`);
    await page.waitForFunction('window.demoState && window.demoState.ready && window.demoState.progressCount > 0', null, { timeout: 30_000 });
    for (let i = 0; i < 3; i++) {
      await page.click('#step');
      await page.waitForFunction(`window.demoState.epoch === ${i + 1} && document.body.dataset.status !== 'training'`, null, { timeout: 10_000 });
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-onnx')]);
    expect(download.suggestedFilename()).toBe('model.onnx');
    const chunks: Buffer[] = [];
    for await (const c of (await download.createReadStream())!) chunks.push(c as Buffer);
    const bytes = new Uint8Array(Buffer.concat(chunks));
    // the file holds the demo's network: its weights as the demo shows them, bit for bit
    const shown = (await page.evaluate('window.demoState.weights.map((l) => [Array.from(l.w), Array.from(l.b)])')) as [number[], number[]][];
    const net = NeuralNetwork.fromONNX(bytes);
    expect(net.layerSizes).toEqual([2, 5, 3, 1]);
    expect(net.layers.map((l) => [Array.from(l.weights.data), Array.from(l.bias.data)])).toEqual(shown);
    const x = Array.from({ length: 40 }, (_, i) => [Math.cos(i) * 2, Math.sin(i * 0.7) * 2]);
    const ours = Array.from(net.predict(x).data);
    net.dispose();
    // the downloaded bytes, run by onnxruntime-web in the demo page
    const theirs = (await page.evaluate(`(async () => {
      const ort = await import('/ort/ort.min.mjs');
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = '/ort/';
      const session = await ort.InferenceSession.create(new Uint8Array(${JSON.stringify(Array.from(bytes))}));
      const x = new Float32Array(${JSON.stringify(x.flat())});
      const out = await session.run({ input: new ort.Tensor('float32', x, [${x.length}, 2]) });
      return Array.from(out.output.data);
    })()`)) as number[];
    // the TensorFlow.js button: two files, model.json and weights.bin, holding the same network
    const files = new Map<string, Buffer>();
    const both = new Promise<void>((ok) => page.on('download', async (d) => {
      const parts: Buffer[] = [];
      for await (const c of (await d.createReadStream())!) parts.push(c as Buffer);
      files.set(d.suggestedFilename(), Buffer.concat(parts));
      if (files.size === 2) ok();
    }));
    await page.click('#dl-tfjs');
    await both;
    expect([...files.keys()].sort()).toEqual(['model.json', 'weights.bin']);
    const fromTf = NeuralNetwork.fromTfjs(files.get('model.json')!.toString('utf8'), new Uint8Array(files.get('weights.bin')!));
    expect(fromTf.layers.map((l) => [Array.from(l.weights.data), Array.from(l.bias.data)])).toEqual(shown);
    fromTf.dispose();
    const rel = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!) / Math.max(Math.abs(theirs[i]!), 0.01)));
    console.log(`demo download in Chromium: ${bytes.length} ONNX bytes, max relative difference vs onnxruntime-web ${rel}`);
    expect(rel).toBeLessThan(1e-5);
    expect(errors).toEqual([]);
    await page.close();
  });
});
