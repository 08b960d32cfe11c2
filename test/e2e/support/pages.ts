// The test pages every browser engine runs (test/e2e/browser.test.ts in Chromium,
// test/e2e/engines.test.ts in Firefox and WebKit), written into a folder served next to dist/:
// suite.html + suite.js (the kernel suite, test/support/browser-suite.ts bundled), xor.html and
// xor-core.html (the browser entries 'scratchnet' and 'scratchnet/core' through an import map, XOR
// and the chapter's log), threads.html (2 threads vs 1,
// cross-origin isolated), fallback.html (threads asked for on a page that is not isolated).
// Each page records its errors in window.pageErrors, so a driver without a console (classic
// WebDriver) sees them too.
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

const HEAD = `<!doctype html><link rel="icon" href="data:,">
<script>
  window.pageErrors = [];
  addEventListener('error', (e) => pageErrors.push(String(e.error ?? e.message)));
  addEventListener('unhandledrejection', (e) => pageErrors.push(String(e.reason)));
</script>
<script type="importmap">{ "imports": { "scratchnet": "/dist/scratchnet.browser.js", "scratchnet/core": "/dist/scratchnet.core.browser.js" } }</script>`;

/** A page that trains XOR with the entry `entry` ('scratchnet' or 'scratchnet/core'); `extra` runs after, with the module as `m`. */
const xorPage = (entry: string, extra = '') => `${HEAD}<title>xor</title>
<script type="module">
  try {
    const m = await import('${entry}');
    const { init, NeuralNetwork, ReLU, Sigmoid } = m;
    const info = await init();
    const X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const { loss } = net.train(X, y, { epochs: 3000, learningRate: 0.5, loss: 'binaryCrossEntropy' });
    const chapter = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
    const log = chapter.train(X, y, { epochs: 10000, learningRate: 0.1 }).loss.filter((_, e) => e % 1000 === 0).map((l) => l.toFixed(4));
    const result = { info, first: loss[0], last: loss[loss.length - 1], predictions: Array.from(net.predict(X).data), log };
    ${extra}
    window.result = result;
  } catch (e) {
    pageErrors.push(String(e?.stack ?? e));
    console.error(e);
  }
</script>`;

/** What a page's `window.result` holds is page-specific; a page is done when it is set or an error was recorded. */
export const PAGE_DONE = `'result' in window || window.pageErrors?.length > 0`;

/** Write the test pages (and bundle the kernel suite) into `dir`. */
export async function writeTestPages(dir: string): Promise<void> {
  await build({
    entryPoints: [join(root, 'test/support/browser-suite.ts')],
    outfile: join(dir, 'suite.js'),
    bundle: true, format: 'esm', platform: 'neutral', logLevel: 'warning', external: ['node:*'],
  });
  await writeFile(join(dir, 'suite.html'), `${HEAD}<title>kernels</title><body>kernel suite</body>`);
  // the main entry; and 'scratchnet/core' imported next to it gives the same objects (one shared chunk)
  await writeFile(join(dir, 'xor.html'), xorPage('scratchnet', `const core = await import('scratchnet/core');
    result.sameAsCore = core.NeuralNetwork === m.NeuralNetwork && core.Matrix === m.Matrix && core.backendInfo().usedBytes === m.backendInfo().usedBytes;`));
  await writeFile(join(dir, 'xor-core.html'), xorPage('scratchnet/core'));
  await writeFile(join(dir, 'threads.html'), `${HEAD}<title>threads</title>
<script type="module">
  try {
    const { init, matmul, Matrix, RandomState, setThreads, backendInfo, NeuralNetwork, ReLU, Softmax } = await import('scratchnet');
    const info = await init({ threads: 2 });
    const rng = new RandomState(1);
    const a = new Matrix(256, 300, Float32Array.from({ length: 256 * 300 }, () => rng.random() - 0.5));
    const b = new Matrix(300, 200, Float32Array.from({ length: 300 * 200 }, () => rng.random() - 0.5));
    const x = new Matrix(128, 300, Float32Array.from({ length: 128 * 300 }, () => rng.random()));
    const y = new Matrix(128, 4);
    for (let i = 0; i < 128; i++) y.data[i * 4 + (i % 4)] = 1;
    const runs = [];
    // where the engine cannot share memory with workers, init() falls back to 1 thread (and says why)
    for (const t of info.threads > 1 ? [2, 1] : []) {
      await setThreads(t);
      const net = new NeuralNetwork([300, 64, 4], [new ReLU(), new Softmax()], { seed: 2, init: 'he' });
      runs.push({ threads: backendInfo().threads, product: Array.from(matmul(a, b).data), loss: net.train(x, y, { epochs: 3, batchSize: 64 }).loss });
    }
    window.result = { isolated: crossOriginIsolated, info, runs };
  } catch (e) {
    pageErrors.push(String(e?.stack ?? e));
    console.error(e);
  }
</script>`);
  await writeFile(join(dir, 'fallback.html'), `${HEAD}<title>fallback</title>
<script type="module">
  try {
    const { init, backendInfo, NeuralNetwork, ReLU, Sigmoid } = await import('scratchnet');
    await init({ threads: 2 });
    const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    net.train(X, [[0], [1], [1], [0]], { epochs: 3000, learningRate: 0.5 });
    window.result = { isolated: crossOriginIsolated, info: backendInfo(), predictions: Array.from(net.predict(X).data, Math.round) };
  } catch (e) {
    pageErrors.push(String(e?.stack ?? e));
    console.error(e);
  }
</script>`);
}
