// What a stranger does: `npm pack`, install the tarball into a fresh project, then (1) a Node ESM
// script trains XOR with train(), a CommonJS script require()s it; (2) a TypeScript consumer
// type-checks against the shipped .d.ts; (3) a plain HTML page imports the browser entry through
// an import map and trains XOR in headless Chromium; (4) the same page built with Vite. And what
// the tarball carries: its size, no source maps, small .d.ts files, publint and
// @arethetypeswrong/cli clean. `npm test` builds dist/ first.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchChromium, serve } from '../support/browser.js';
import { packAndInstall, root, run, type Packed } from './support/pack.js';

let dir: string;
let tarball: string;
let packed: Packed;
let browser: Browser;

const TRAIN_XOR = `
  const info = await init();
  const X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
  const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
  const { loss } = net.train(X, y, { epochs: 3000, learningRate: 0.5, loss: 'binaryCrossEntropy' });
  const result = { build: info.build, last: loss[loss.length - 1], predictions: Array.from(net.predict(X).data, Math.round) };`;

/** Serve `mounts`, open /index.html (which sets window.result from TRAIN_XOR), check it learned XOR cleanly. */
async function trainXorInChromium(mounts: Record<string, string>): Promise<{ build: string; last: number; predictions: number[]; fetched: string[] }> {
  const server = await serve(mounts);
  try {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => 'result' in window, null, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as { build: string; last: number; predictions: number[] };
    expect(r.last).toBeLessThan(0.01);
    expect(r.predictions).toEqual([0, 1, 1, 0]);
    expect(errors).toEqual([]);
    await page.close();
    return { ...r, fetched: server.log.map((x) => x.path) };
  } finally {
    await server.close();
  }
}

beforeAll(async () => {
  ({ dir, tarball, packed } = await packAndInstall('scratchnet-consumer-'));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed tarball, installed in a fresh project', () => {
  it('ships dist (JS, types, browser bundle), README and LICENSE, and nothing else', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/scratchnet.browser.js',
      'dist/core.js', 'dist/core.d.ts', 'dist/scratchnet.core.browser.js',
      ...['relaxed', 'simd', 'scalar', 'threads', 'threads-relaxed'].map((b) => `dist/backend/builds/${b}.generated.js`),
    ]));
    expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
  });

  it('every relative import of the shipped JavaScript names a shipped file (dist/reference is shipped only in part)', async () => {
    const shipped = new Set(packed.files.map((f) => f.path));
    const missing: string[] = [];
    for (const f of shipped) {
      if (!f.endsWith('.js')) continue;
      const code = await readFile(join(dir, 'node_modules/scratchnet', f), 'utf8');
      for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = posix.normalize(posix.join(posix.dirname(f), m[1]!));
        if (!shipped.has(target)) missing.push(`${f} → ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('weighs at most 250 KB packed, with no source maps and no base64 literal types in the .d.ts', () => {
    expect(packed.size).toBeLessThanOrEqual(250 * 1024);
    // maps would name src/ files the package does not ship: it ships none
    expect(packed.files.filter((f) => f.path.endsWith('.map'))).toEqual([]);
    // every .d.ts is small enough for an editor to parse at once (the base64 constants are typed `string`)
    const dts = packed.files.filter((f) => f.path.endsWith('.d.ts'));
    expect(dts.filter((f) => f.size > 40_000).map((f) => f.path)).toEqual([]);
  });

  it('the shipped kernel modules (one per build) declare their base64 as string', async () => {
    const builds = join(dir, 'node_modules/scratchnet/dist/backend/builds');
    const dts = (await readdir(builds)).filter((f) => f.endsWith('.d.ts')).sort();
    expect(dts).toEqual(['relaxed', 'scalar', 'simd', 'threads-relaxed', 'threads'].map((b) => `${b}.generated.d.ts`));
    for (const f of dts) expect(await readFile(join(builds, f), 'utf8')).toMatch(/^export declare const base64: string;$/m);
  });

  it('publint finds nothing to report', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'node_modules/publint/src/cli.js'), 'run', tarball, '--strict'], { cwd: dir });
    expect(stdout).toMatch(/All good!/);
  }, 60_000);

  it('@arethetypeswrong/cli: every entry point resolves, with types, under node10, node16 and bundler', async () => {
    const attw = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    const args = [attw, tarball, '--format', 'ascii', '--no-emoji', '--no-color'];
    // strict: the only problem is that the package is ESM (deliberate: no CommonJS build; Node
    // >= 20.19 require()s it, see (1b))
    const strict = await run(process.execPath, args, { cwd: dir }).then(() => '', (e: { stdout: string }) => e.stdout);
    const verdicts = [...strict.matchAll(/^(node10|node16 \(from CJS\)|node16 \(from ESM\)|bundler): (.*)$/gm)].map((m) => `${m[1]}: ${m[2]!.trim()}`);
    expect(verdicts.length).toBe(16); // four entry points (., ./browser, ./core, ./package.json) × four resolutions
    expect(verdicts.filter((v) => !/: OK\b/.test(v))).toEqual(Array(3).fill('node16 (from CJS): ESM (dynamic import only)'));
    // and with that one rule set aside, attw passes (exit code 0)
    await run(process.execPath, [...args, '--ignore-rules', 'cjs-resolves-to-esm'], { cwd: dir });
  }, 60_000);

  it('(1) a Node ESM script trains XOR with train()', async () => {
    await writeFile(join(dir, 'xor.mjs'), `import { init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
${TRAIN_XOR}
console.log(JSON.stringify(result));`);
    const { stdout } = await run(process.execPath, ['xor.mjs'], { cwd: dir });
    const r = JSON.parse(stdout) as { build: string; last: number; predictions: number[] };
    // a node without flags: Node 20 validates SIMD, Node >= 22 relaxed SIMD too (runtimes.test.ts)
    expect(r.build).toBe(Number(process.versions.node.split('.')[0]) >= 22 ? 'relaxed' : 'simd');
    expect(r.last).toBeLessThan(0.01);
    expect(r.predictions).toEqual([0, 1, 1, 0]);
  });

  it('(1a) scratchnet/core: the same objects as the main entry, without the data loaders and plots', async () => {
    await writeFile(join(dir, 'core.mjs'), `import * as core from 'scratchnet/core';
import * as all from 'scratchnet';
import * as browser from 'scratchnet/browser';
const info = await core.init();
const shared = Object.keys(core).filter((k) => core[k] !== all[k]);
const browserShared = Object.keys(browser).filter((k) => browser[k] !== all[k]);
console.log(JSON.stringify({ build: info.build, shared, browserShared, onlyInMain: Object.keys(all).filter((k) => !(k in core)).sort() }));`);
    const { stdout } = await run(process.execPath, ['core.mjs'], { cwd: dir });
    const r = JSON.parse(stdout) as { build: string; shared: string[]; browserShared: string[]; onlyInMain: string[] };
    expect(r.shared).toEqual([]); // every export of core is the main entry's own
    expect(r.browserShared).toEqual([]); // in Node, scratchnet/browser is the main entry too: one copy of every class
    expect(r.onlyInMain).toEqual([
      'GUNZIP_MAX_BYTES', 'MinMaxScaler', 'StandardScaler', 'blobs', 'circle', 'decisionBoundarySvg', 'gunzip', 'idxToMatrix', 'isGzip',
      'lineChartSvg', 'loadIdx', 'moons', 'parseCsv', 'parseIdx', 'spirals', 'trainTestSplit', 'trainingCurvesSvg', 'xor',
    ]);
  });

  it('(1b) a CommonJS script require()s the ESM package (Node >= 20.19 loads ESM from require)', async () => {
    await writeFile(join(dir, 'xor.cjs'), `const { init, NeuralNetwork, ReLU, Sigmoid } = require('scratchnet');
(async () => {
${TRAIN_XOR}
console.log(JSON.stringify(result));
})();`);
    const { stdout } = await run(process.execPath, ['--no-warnings', 'xor.cjs'], { cwd: dir });
    expect(JSON.parse(stdout)).toMatchObject({ predictions: [0, 1, 1, 0] });
  });

  it('(1c) the CLI is installed as a bin: npx scratchnet train / predict', async () => {
    const cli = join(dir, 'node_modules', '.bin', 'scratchnet');
    const { stdout: version } = await run(cli, ['--version'], { cwd: dir });
    expect(version.trim()).toMatch(/^scratchnet \d+\.\d+\.\d+$/);
    await run(cli, ['train', join(root, 'test/fixtures/iris.csv'), '--layers', '8', '--epochs', '60', '--out', 'iris.json', '--quiet'], { cwd: dir });
    const { stdout, stderr } = await run(cli, ['predict', 'iris.json', join(root, 'test/fixtures/iris.csv'), '--out', 'pred.csv'], { cwd: dir });
    expect(`${stdout}${stderr}`).toMatch(/accuracy 0\.9\d*/);
  }, 120_000);

  it('(2) a TypeScript consumer type-checks against the shipped .d.ts, and misuse does not', async () => {
    const tsconfig = { compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: [] } };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, files: ['good.ts'] }));
    await writeFile(join(dir, 'good.ts'), `import { init, Matrix, NeuralNetwork, ReLU, Sigmoid, type TrainOptions, type TrainResult } from 'scratchnet';
await init();
const X: Matrix = Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]);
const options: TrainOptions = { epochs: 10, learningRate: 0.1, loss: 'binaryCrossEntropy' };
const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
const r: TrainResult = net.train(X, [[0], [1], [1], [0]], options);
const last: number = r.loss[r.loss.length - 1]!;
const w: Float32Array = net.layers[0]!.weights.data;
export { last, w };
`);
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir });
    await writeFile(join(dir, 'tsconfig.bad.json'), JSON.stringify({ ...tsconfig, files: ['bad.ts'] }));
    await writeFile(join(dir, 'bad.ts'), `import { NeuralNetwork, ReLU } from 'scratchnet';
new NeuralNetwork([2, 1], [new ReLU()]).train([[1, 2]], [[1]], { epochs: 'ten', loss: 'nope' });
`);
    const bad = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bad.json'], { cwd: dir }).then(
      () => '', (e: { stdout: string }) => e.stdout,
    );
    expect(bad).toMatch(/bad\.ts.*error TS2322/s);
    expect(bad).toMatch(/'ten'|"ten"|string/);
  }, 120_000);

  it('(3) a plain HTML page imports the browser entry with an import map and trains XOR in Chromium', async () => {
    await writeFile(join(dir, 'index.html'), `<!doctype html><title>scratchnet</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "scratchnet": "./node_modules/scratchnet/dist/scratchnet.browser.js" } }</script>
<script type="module">
import { init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
${TRAIN_XOR}
window.result = result;
</script>`);
    const r = await trainXorInChromium({ '/': dir });
    expect(r.build).not.toBe('scalar');
    // the entry, the chunk it shares with scratchnet/core, and the one build it runs (threads-relaxed
    // here: the page is cross-origin isolated), nothing else
    const ours = r.fetched.filter((p) => p.includes('/scratchnet/')).sort();
    expect(ours).toHaveLength(3);
    expect(ours[0]).toMatch(/^\/node_modules\/scratchnet\/dist\/backend\/builds\/(threads-)?relaxed\.generated\.js$/);
    expect(ours[1]).toMatch(/^\/node_modules\/scratchnet\/dist\/scratchnet\.[A-Z0-9]+\.js$/);
    expect(ours[2]).toBe('/node_modules/scratchnet/dist/scratchnet.browser.js');
  }, 120_000);

  it('(3a) the same page bundled by esbuild for the browser (scratchnet and scratchnet/core) runs in Chromium', async () => {
    // esbuild (as webpack for the web) stops at an import('node:…') it meets: the browser bundles must have none
    for (const entry of ['scratchnet', 'scratchnet/core']) {
      const app = join(dir, `esbuild-app-${entry.replace('/', '-')}`);
      await run('mkdir', ['-p', app]);
      await writeFile(join(app, 'main.js'), `import { init, NeuralNetwork, ReLU, Sigmoid } from '${entry}';
${TRAIN_XOR}
window.result = result;`);
      await writeFile(join(app, 'index.html'), '<!doctype html><title>esbuild</title><link rel="icon" href="data:,"><script type="module" src="./out/main.js"></script>');
      await run(join(root, 'node_modules/.bin/esbuild'), ['main.js', '--bundle', '--platform=browser', '--format=esm', '--splitting', '--outdir=out', '--log-level=warning'], { cwd: app });
      const r = await trainXorInChromium({ '/': app, '/node_modules/': join(dir, 'node_modules') });
      expect(r.build, entry).not.toBe('scalar');
    }
  }, 180_000);

  it('(1e) the browser bundle itself, loaded in Node by its path, trains on 1 thread and says to import the package for threads', async () => {
    await writeFile(join(dir, 'bundle.mjs'), `import { init, NeuralNetwork, ReLU, Sigmoid, backendInfo } from './node_modules/scratchnet/dist/scratchnet.browser.js';
${TRAIN_XOR}
const asked = await import('./node_modules/scratchnet/dist/scratchnet.browser.js').then((m) => m.setThreads(2)).then(() => 'ok', (e) => e.message);
console.log(JSON.stringify({ ...result, threads: backendInfo().threads, note: backendInfo().threadsNote, asked }));`);
    const { stdout } = await run(process.execPath, ['bundle.mjs'], { cwd: dir });
    const r = JSON.parse(stdout) as { predictions: number[]; threads: number; note: string; asked: string };
    expect(r.predictions).toEqual([0, 1, 1, 0]);
    expect(r.threads).toBe(1);
    expect(r.note).toBe('the browser bundle has no workers in Node (the package itself has), so 1 thread is used');
    expect(r.asked).toMatch(/^setThreads: this backend runs the single-threaded build: the browser bundle has no workers in Node/);
  });

  it('(1d) where Node\'s permission model forbids workers, the default init() runs on 1 thread and says why', async () => {
    await writeFile(join(dir, 'perm.mjs'), `import { init, NeuralNetwork, ReLU, Sigmoid, backendInfo } from 'scratchnet';
${TRAIN_XOR}
console.log(JSON.stringify({ ...result, threads: backendInfo().threads, note: backendInfo().threadsNote }));`);
    const flag = Number(process.versions.node.split('.')[0]) >= 22 ? '--permission' : '--experimental-permission';
    const { stdout } = await run(process.execPath, ['--no-warnings', flag, `--allow-fs-read=${dir}`, 'perm.mjs'], { cwd: dir });
    const r = JSON.parse(stdout) as { predictions: number[]; threads: number; note: string };
    expect(r.predictions).toEqual([0, 1, 1, 0]);
    expect(r.threads).toBe(1);
    expect(r.note).toMatch(/^worker thread 1 could not start: .* \(Node's permission model allows workers with --allow-worker\); so 1 thread is used$/);
  });

  it('(4) the same page built with Vite runs in Chromium', async () => {
    const app = join(dir, 'vite-app');
    await run('mkdir', ['-p', app]);
    await writeFile(join(app, 'index.html'), '<!doctype html><title>vite</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');
    await writeFile(join(app, 'main.js'), `import { init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
${TRAIN_XOR}
window.result = result;`);
    const built = await run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: app });
    // no warnings: it used to say three times that a Node module "has been externalized for browser compatibility"
    expect(`${built.stdout}${built.stderr}`).not.toMatch(/node:|externalized/);
    // Vite makes each build a chunk of its own ("H4sI" starts a gzip stream in base64: the builds are gzip'd wasm); the page fetches one
    const assets = join(app, 'dist', 'assets');
    const isBuild = async (f: string) => (await readFile(join(assets, f), 'utf8')).includes('H4sI');
    const chunks = (await readdir(assets)).filter((f) => f.endsWith('.js'));
    expect((await Promise.all(chunks.map(isBuild))).filter(Boolean)).toHaveLength(5);
    const r = await trainXorInChromium({ '/': join(app, 'dist') });
    const fetched = r.fetched.filter((p) => p.endsWith('.js')).map((p) => p.replace(/^\/assets\//, ''));
    expect((await Promise.all(fetched.map(isBuild))).filter(Boolean)).toHaveLength(1);
  }, 180_000);
});
