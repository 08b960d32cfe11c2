// `npm run bench`: scratchnet against its peers, side by side, in one run.
//
//   W1  the chapter's XOR: [2, 4, 1] ReLU/Sigmoid, BCE, full batch, SGD lr 0.1, 10,000 epochs → µs/epoch
//   W2  MLP 784-256-128-10 ReLU/ReLU/Softmax, softmax cross-entropy, batch 64, SGD lr 0.01,
//       8,192 seeded synthetic samples, 1 warm-up epoch then 3 timed epochs       → samples/s
//   W3  gemm at n = 32 … 1024 and at the W2 shapes (forward, dW = Xᵀ·dY, dX = dY·Wᵀ) → GFLOP/s
//
// Peers: scratchnet's scalar build (child process for W1/W2), the plain-TS reference kernels
// (src/reference) in the same training loop, TensorFlow.js 4.22 (wasm and cpu backends),
// brain.js (W1), and NumPy (scripts/bench_numpy.py: the chapter's code, 1 BLAS thread and all).
// Medians after warm-up. A peer that cannot load is reported as skipped, never fatal.
//
// Flags: --only W1,W3   --reps N   --quick (fewer reps, sizes and samples: under a minute)
// Writes bench-results.json (all samples and medians, machine info) and out/bench.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo, init, Matrix, matmul, setThreads } from '../src/index.js';
import { buildSupported, loadBackend } from '../src/backend/load.js';
import { type Backend } from '../src/backend/heap.js';
import { gemm as referenceGemm } from '../src/reference/gemm.js';
import { brainXor, loadBrain } from './bench-lib/brain.js';
import { runJsonChild } from './bench-lib/child.js';
import {
  flops, gemmOperands, makeW2Data, newW1Net, newW2Net, snapshot, squareShape, W2_SHAPES, w2InitialParams, XOR_X, XOR_Y,
  type GemmShape, type LayerParams, type W2Data,
} from './bench-lib/data.js';
import { numpyAvailable, runNumpy, writeW2Files, type NumpyOutput } from './bench-lib/numpy.js';
import { RefNet } from './bench-lib/reference.js';
import { addRatios, fmt, formatTable, measured, skipped, type BenchResult, type Workload } from './bench-lib/results.js';
import { barChartSvg, type BarPanel } from './bench-lib/svg.js';
import { loadTf, tfjsGemm, tfjsMlp, tfjsXor, type TfHandle } from './bench-lib/tfjs.js';
import { median, sampleCalls, sampleRuns, type SampleOptions } from './bench-lib/timing.js';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

interface Options {
  only: Set<Workload>;
  reps: number | undefined;
  quick: boolean;
  /** Internal: run scratchnet's W1/W2 with another build and print JSON (the child process). */
  child: 'scalar' | 'relaxed' | null;
}

function usage(msg?: string): never {
  if (msg) console.error(`bench: ${msg}`);
  console.error('usage: npm run bench -- [--only W1,W2,W3] [--reps N] [--quick]');
  process.exit(msg ? 2 : 0);
}

function parseOptions(argv: string[]): Options {
  const o: Options = { only: new Set(['W1', 'W2', 'W3']), reps: undefined, quick: false, child: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--quick') o.quick = true;
    else if (flag === '--child') {
      const v = value();
      if (v !== 'scalar' && v !== 'relaxed') usage(`--child takes scalar or relaxed, got ${v}`);
      o.child = v;
    }
    else if (flag === '--help' || flag === '-h') usage();
    else if (flag === '--reps') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1 || v > 1000) usage('--reps needs an integer from 1 to 1000');
      o.reps = v;
    } else if (flag === '--only') {
      const names = value().split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      const bad = names.filter((n) => !['W1', 'W2', 'W3'].includes(n));
      if (!names.length || bad.length) usage(`--only takes W1, W2, W3 (comma-separated), got ${bad.join(', ') || 'nothing'}`);
      o.only = new Set(names as Workload[]);
    } else usage(`unknown argument ${a}`);
  }
  return o;
}

const opts = parseOptions(process.argv.slice(2));
const root = fileURLToPath(new URL('..', import.meta.url));
const scriptPath = fileURLToPath(import.meta.url);

/** Everything the options decide. */
const cfg = (() => {
  const q = opts.quick, r = opts.reps;
  return {
    w1: {
      epochs: 10_000,
      lr: 0.1,
      reps: r ?? (q ? 3 : 9),
      warmupMs: q ? 100 : 300,
      /** tfjs is ~1000x slower per epoch: it runs `tfEpochs` epochs once, timed in chunks. */
      tfEpochs: q ? 2000 : 10_000,
      numpyReps: r ?? (q ? 2 : 5),
    },
    w2: {
      n: q ? 1024 : 8192,
      batch: 64,
      lr: 0.01,
      timedEpochs: r ?? (q ? 2 : 3),
      /** The plain-TS reference trains this many batches (first `refWarmup` untimed). */
      refBatches: q ? 6 : 20,
      refWarmup: 2,
    },
    w3: {
      sizes: q ? [64, 256] : [32, 64, 128, 256, 512, 1024],
      w2Shapes: W2_SHAPES,
      sample: { reps: r ?? (q ? 3 : 5), targetMs: q ? 20 : 80, warmupMs: q ? 20 : 80, budgetMs: q ? 2000 : 8000 } satisfies SampleOptions,
      /** The plain-TS gemm runs only up to this many flops per call. */
      refMaxFlops: 2 * (q ? 256 : 512) ** 3,
      matmulAt: ['256x256x256', 'fwd1 64x784·784x256'],
    },
  };
})();

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const every1000 = (loss: readonly number[]) => loss.filter((_, e) => e % 1000 === 0);
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

// ---------------------------------------------------------------------------------------------
// scratchnet itself (also what the scalar child runs)
// ---------------------------------------------------------------------------------------------

/** W1 with `net.train`: µs/epoch of each timed run, and the loss history of the last run. */
function scratchnetXor(): { us: number[]; loss: number[] } {
  const { epochs, lr, reps, warmupMs } = cfg.w1;
  let loss: number[] = [];
  const run = () => {
    const net = newW1Net();
    const t = performance.now();
    const r = net.train(XOR_X, XOR_Y, { epochs, learningRate: lr, loss: 'binaryCrossEntropy' });
    const ms = performance.now() - t;
    net.dispose();
    loss = r.loss;
    return ms;
  };
  const ms = sampleRuns(run, reps, warmupMs);
  return { us: ms.map((m) => (m / epochs) * 1000), loss };
}

/** W2 with `net.train` (batch 64, no shuffling): samples/s of the timed epochs, epoch losses. */
function scratchnetMlp(data: W2Data, params: readonly LayerParams[], epochs: number): { samplesPerSec: number[]; loss: number[] } {
  const net = newW2Net(params);
  const X = new Matrix(data.n, data.inputSize, data.x);
  const Y = new Matrix(data.n, data.classes, data.y);
  const stamps: number[] = [];
  const start = performance.now();
  const r = net.train(X, Y, {
    epochs,
    batchSize: cfg.w2.batch,
    learningRate: cfg.w2.lr,
    loss: 'softmaxCrossEntropy',
    shuffle: false,
    onEpoch: () => {
      stamps.push(performance.now());
    },
  });
  net.dispose();
  const times = stamps.map((s, i) => s - (i === 0 ? start : stamps[i - 1]!));
  return { samplesPerSec: times.slice(1).map((ms) => data.n / (ms / 1000)), loss: r.loss };
}

interface ChildOutput {
  build: string;
  threads: number;
  w1?: { us: number[]; loss: number[] };
  w2?: { samplesPerSec: number[]; loss: number[] };
  /** W2 again on every core (the relaxed child). */
  w2Threads?: { samplesPerSec: number[]; loss: number[] };
}

/** One thread for the baseline rows; the "N threads" rows switch to every core. */
const cores = os.availableParallelism?.() ?? os.cpus().length;

if (opts.child) {
  // scalar: the single-threaded scalar build; relaxed: the relaxed-SIMD build (this child runs
  // with --experimental-wasm-relaxed-simd), on one thread and on every core
  const info = opts.child === 'scalar' ? await init({ simd: false, threads: 1 }) : await init({ threads: cores });
  if (opts.child === 'relaxed' && info.build !== 'relaxed') throw new Error(`relaxed child got the ${info.build} build`);
  await setThreads(1);
  const out: ChildOutput = { build: info.build, threads: cores };
  if (opts.only.has('W1')) out.w1 = scratchnetXor();
  if (opts.only.has('W2')) {
    out.w2 = scratchnetMlp(makeW2Data(cfg.w2.n), w2InitialParams(), 1 + cfg.w2.timedEpochs);
    if (opts.child === 'relaxed' && cores > 1) {
      await setThreads(cores);
      out.w2Threads = scratchnetMlp(makeW2Data(cfg.w2.n), w2InitialParams(), 1 + cfg.w2.timedEpochs);
    }
  }
  process.stdout.write(`\n${JSON.stringify(out)}\n`);
  process.exit(0);
}

/** Run this script again as a child with another build (a process has one build). */
function runChild(kind: 'scalar' | 'relaxed'): Promise<ChildOutput> {
  const flags = kind === 'relaxed' ? ['--experimental-wasm-relaxed-simd'] : [];
  const args = [...flags, ...process.execArgv, scriptPath, '--child', kind, '--only', [...opts.only].join(',')];
  if (opts.quick) args.push('--quick');
  if (opts.reps !== undefined) args.push('--reps', String(opts.reps));
  return runJsonChild<ChildOutput>(process.execPath, args, { name: `${kind} child`, timeoutMs: 15 * 60_000 });
}

// ---------------------------------------------------------------------------------------------
// Setup: scratchnet, inputs, and every peer (loaded once; failures recorded as reasons)
// ---------------------------------------------------------------------------------------------

const t0 = performance.now();
// The standard SIMD build (what Node 20 runs without flags), every core available; baseline rows
// run on one thread, the "N threads" rows on all of them.
const info = await init({ relaxedSimd: false, threads: cores });
await setThreads(1);
const results: BenchResult[] = [];
const cpus = os.cpus();
const machine: Record<string, unknown> = {
  date: new Date().toISOString(),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  cpuModel: cpus[0]?.model ?? 'unknown',
  cpuCount: cpus.length,
  totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  loadAverageAtStart: os.loadavg().map((v) => +v.toFixed(2)),
  node: process.version,
  v8: process.versions.v8,
  scratchnet: info,
  scratchnetRelaxedSimdSupported: buildSupported('relaxed'),
};
log(`bench: ${machine.cpuModel} x${cpus.length}, Node ${process.version}, scratchnet ${info.build} build` +
  `${opts.quick ? ', --quick' : ''}; workloads ${[...opts.only].join(', ')}`);

const w1Params: LayerParams[] = (() => {
  const net = newW1Net();
  const p = snapshot(net);
  net.dispose();
  return p;
})();
const w2Data = opts.only.has('W2') ? makeW2Data(cfg.w2.n) : null;
const w2Params = opts.only.has('W2') ? w2InitialParams() : null;

let tfh: TfHandle | null = null;
let tfReason = '';
if (opts.only.has('W1') || opts.only.has('W2') || opts.only.has('W3')) {
  try {
    tfh = await loadTf();
    machine.tfjs = { version: tfh.version, wasm: tfh.wasm, backends: tfh.backends };
  } catch (e) {
    tfReason = `@tensorflow/tfjs did not load: ${errText(e)}`;
    machine.tfjs = { error: tfReason };
  }
}
const tfSkip = (backend: 'wasm' | 'cpu'): string | null => {
  if (!tfh) return tfReason;
  const s = tfh.backends[backend];
  return s?.ok ? null : (s?.reason ?? `${backend} backend not loaded`);
};
const wasmNote = () => `XNNPACK, ${tfh?.wasm.threads ?? '?'} thread${tfh?.wasm.threads === 1 ? '' : 's'} (Node)${tfh?.wasm.simd ? ', SIMD' : ''}`;

// NumPy: one process with BLAS pinned to one thread (W1, W2, W3), one with all threads (W2, W3).
const npOk = numpyAvailable();
const numpy: { one?: NumpyOutput; all?: NumpyOutput; oneErr?: string; allErr?: string; reason?: string } = {};
if (!npOk.ok) numpy.reason = `NumPy not available: ${npOk.reason}`;
else {
  const files = w2Data && w2Params ? writeW2Files(w2Data, w2Params) : null;
  try {
    const w2 = files && w2Data
      ? { dir: files.dir, n: w2Data.n, sizes: [784, 256, 128, 10], batch: cfg.w2.batch, lr: cfg.w2.lr, epochs: 1 + cfg.w2.timedEpochs, variants: ['f32', 'chapter_f64'] }
      : null;
    const w3 = opts.only.has('W3')
      ? { shapes: w3Shapes(), reps: cfg.w3.sample.reps, target_ms: cfg.w3.sample.targetMs, warmup_ms: cfg.w3.sample.warmupMs, budget_ms: cfg.w3.sample.budgetMs }
      : null;
    const w1 = opts.only.has('W1') ? { epochs: cfg.w1.epochs, reps: cfg.w1.numpyReps, warmup_s: cfg.w1.warmupMs / 1000 } : null;
    log('numpy: 1 BLAS thread ...');
    try {
      numpy.one = await runNumpy(`${root}scripts/bench_numpy.py`, { w1, w2, w3 }, 1, 20 * 60_000);
    } catch (e) {
      numpy.oneErr = errText(e);
    }
    if (cpus.length > 1 && (w2 || w3)) {
      log(`numpy: all BLAS threads (${cpus.length} cores) ...`);
      try {
        numpy.all = await runNumpy(`${root}scripts/bench_numpy.py`, { w2, w3 }, 'all', 20 * 60_000);
      } catch (e) {
        numpy.allErr = errText(e);
      }
    }
  } finally {
    files?.cleanup();
  }
  const n = numpy.one ?? numpy.all;
  machine.numpy = n
    ? { numpy: n.numpy, python: n.python, blasOneThread: numpy.one?.blas, blasAllThreads: numpy.all?.blas }
    : { error: numpy.oneErr ?? numpy.allErr };
}
const npThreads = (o: NumpyOutput | undefined, fallback: number) => o?.blas.threads ?? fallback;
const npLabel = (what: string, o: NumpyOutput | undefined, fallback: number) => {
  const t = npThreads(o, fallback);
  return `numpy ${what} (${t} thread${t === 1 ? '' : 's'})`;
};

// scratchnet's scalar and relaxed-SIMD builds (W1, W2) in child processes.
let scalar: ChildOutput | null = null, relaxed: ChildOutput | null = null;
let scalarReason = '', relaxedReason = '';
if (opts.only.has('W1') || opts.only.has('W2')) {
  log('scratchnet scalar build (child process) ...');
  try {
    scalar = await runChild('scalar');
  } catch (e) {
    scalarReason = errText(e);
  }
  log('scratchnet relaxed-SIMD build (child process, --experimental-wasm-relaxed-simd) ...');
  try {
    relaxed = await runChild('relaxed');
  } catch (e) {
    relaxedReason = errText(e);
  }
}
const threadsLabel = `${cores} threads`;

function w3Shapes(): GemmShape[] {
  return [...cfg.w3.sizes.map(squareShape), ...cfg.w3.w2Shapes];
}

// ---------------------------------------------------------------------------------------------
// W1: the chapter's XOR
// ---------------------------------------------------------------------------------------------

async function runW1(): Promise<void> {
  const { epochs, lr, reps, warmupMs, tfEpochs } = cfg.w1;
  const base = { workload: 'W1' as const, case: 'xor [2,4,1] 10k epochs', metric: 'µs/epoch', higherIsBetter: false };
  log('W1 scratchnet ...');
  const sn = scratchnetXor();
  const snLoss = sn.loss;
  const snFinal = snLoss.at(-1)!;
  results.push(measured({ ...base, impl: 'scratchnet', baseline: true }, sn.us, {
    loss: snFinal, lossScratchnet: snFinal, lossHistory: every1000(snLoss), note: `${info.build} build; net.train(), ${reps} runs of ${epochs} epochs`,
  }));

  if (cores > 1) {
    await setThreads(cores);
    const t = scratchnetXor();
    await setThreads(1);
    results.push(measured({ ...base, impl: `scratchnet, ${threadsLabel}` }, t.us, {
      loss: t.loss.at(-1)!, lossScratchnet: snFinal, note: 'setThreads(' + cores + '): XOR stays below the threading threshold, so it must not get slower',
    }));
  }
  if (relaxed?.w1) {
    results.push(measured({ ...base, impl: 'scratchnet relaxed-SIMD build' }, relaxed.w1.us, {
      loss: relaxed.w1.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: every1000(relaxed.w1.loss), note: 'child process with --experimental-wasm-relaxed-simd',
    }));
  } else results.push(skipped({ ...base, impl: 'scratchnet relaxed-SIMD build' }, relaxedReason || 'not run'));
  if (scalar?.w1) {
    results.push(measured({ ...base, impl: 'scratchnet scalar build' }, scalar.w1.us, {
      loss: scalar.w1.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: every1000(scalar.w1.loss), note: 'init({ simd: false }), child process',
    }));
  } else results.push(skipped({ ...base, impl: 'scratchnet scalar build' }, scalarReason || 'not run'));

  log('W1 plain-TS reference ...');
  {
    const x = new Float32Array(XOR_X.flat()), y = new Float32Array(XOR_Y.flat());
    let last = Number.NaN;
    const history: number[] = [];
    const run = () => {
      const net = new RefNet(w1Params, ['relu', 'sigmoid'], 'binaryCrossEntropy', 4);
      net.set(x, y);
      history.length = 0;
      const t = performance.now();
      for (let e = 0; e < epochs; e++) {
        last = net.step(4, lr);
        if (e % 1000 === 0) history.push(last);
      }
      return performance.now() - t;
    };
    const ms = sampleRuns(run, reps, warmupMs);
    results.push(measured({ ...base, impl: 'plain TS reference' }, ms.map((m) => (m / epochs) * 1000), {
      loss: last, lossScratchnet: snFinal, lossHistory: [...history], note: 'src/reference kernels in the same loop (float64 inside kernels)',
    }));
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    const impl = `tfjs ${backend}`;
    const why = tfSkip(backend);
    if (why) {
      results.push(skipped({ ...base, impl }, why));
      continue;
    }
    log(`W1 ${impl} (${tfEpochs} epochs) ...`);
    try {
      const chunk = Math.ceil(tfEpochs / (reps + 1));
      const r = await tfjsXor(tfh!, backend, w1Params, tfEpochs, chunk, lr);
      const note = `optimizer.minimize() per epoch, timed in chunks of ${chunk} epochs after a ${chunk}-epoch warm-up` +
        `${tfEpochs < epochs ? `; ran ${tfEpochs} epochs (loss compared at that epoch)` : ''}` +
        `${backend === 'wasm' ? `; ${wasmNote()}` : ''}${r.leakedTensors ? `; ${r.leakedTensors} tensors leaked` : ''}`;
      results.push(measured({ ...base, impl }, r.usPerEpoch, { loss: r.loss, lossScratchnet: snLoss[tfEpochs - 1], note }));
    } catch (e) {
      results.push(skipped({ ...base, impl }, `failed: ${errText(e)}`));
    }
  }

  {
    const impl = 'brain.js';
    try {
      const { brain, version } = await loadBrain();
      machine.brainjs = version;
      log('W1 brain.js ...');
      let last: ReturnType<typeof brainXor> | null = null;
      const ms = sampleRuns(() => (last = brainXor(brain, w1Params, epochs, lr)).ms, reps, warmupMs);
      const r = last as ReturnType<typeof brainXor> | null;
      results.push(measured({ ...base, impl }, ms.map((m) => (m / epochs) * 1000), {
        loss: r?.bce, lossScratchnet: snFinal,
        note: `v${version}; NOT the same model: sigmoid hidden layer (one activation for all layers), online SGD ` +
          `(4 steps/epoch) with momentum 0.1, squared-error deltas; same seed-42 starting weights; ` +
          `loss = chapter BCE of its final predictions (its own MSE ${r ? r.error.toExponential(2) : '?'}, ${r?.iterations} iterations)`,
      }));
    } catch (e) {
      results.push(skipped({ ...base, impl }, `brain.js did not load or run: ${errText(e)}`));
    }
  }

  const impl = 'numpy, chapter code f64 (1 thread)';
  if (numpy.one?.w1) {
    results.push(measured({ ...base, impl }, numpy.one.w1.us_per_epoch, {
      loss: numpy.one.w1.loss, lossScratchnet: snFinal, lossHistory: numpy.one.w1.log,
      note: `the chapter's classes and loop verbatim; NumPy ${numpy.one.numpy}, python ${numpy.one.python}; BLAS irrelevant at 4x4`,
    }));
  } else results.push(skipped({ ...base, impl }, numpy.reason ?? numpy.oneErr ?? 'not run'));
}

// ---------------------------------------------------------------------------------------------
// W2: the MLP
// ---------------------------------------------------------------------------------------------

async function runW2(): Promise<void> {
  const data = w2Data!, params = w2Params!;
  const epochs = 1 + cfg.w2.timedEpochs;
  const base = {
    workload: 'W2' as const,
    case: `mlp 784-256-128-10 n=${data.n} b=${cfg.w2.batch}`,
    metric: 'samples/s',
    higherIsBetter: true,
  };
  log(`W2 scratchnet (${data.n} samples, ${epochs} epochs) ...`);
  const sn = scratchnetMlp(data, params, epochs);
  const snFinal = sn.loss.at(-1)!;
  results.push(measured({ ...base, impl: 'scratchnet', baseline: true }, sn.samplesPerSec, {
    loss: snFinal, lossScratchnet: snFinal, lossHistory: sn.loss,
    note: `${info.build} build, 1 thread; net.train(), epoch losses ${sn.loss.map((l) => l.toFixed(4)).join(' → ')}`,
  }));
  if (cores > 1) {
    await setThreads(cores);
    const t = scratchnetMlp(data, params, epochs);
    await setThreads(1);
    results.push(measured({ ...base, impl: `scratchnet, ${threadsLabel}` }, t.samplesPerSec, {
      loss: t.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: t.loss,
      note: `${info.build} build, setThreads(${cores}); losses ${t.loss.every((l, i) => l === sn.loss[i]) ? 'bit-identical to 1 thread' : 'DIFFER from 1 thread'}`,
    }));
  }
  if (relaxed?.w2) {
    results.push(measured({ ...base, impl: 'scratchnet relaxed-SIMD build' }, relaxed.w2.samplesPerSec, {
      loss: relaxed.w2.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: relaxed.w2.loss, note: '1 thread; child process with --experimental-wasm-relaxed-simd',
    }));
    if (relaxed.w2Threads) {
      results.push(measured({ ...base, impl: `scratchnet relaxed-SIMD, ${threadsLabel}` }, relaxed.w2Threads.samplesPerSec, {
        loss: relaxed.w2Threads.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: relaxed.w2Threads.loss,
        note: `child process with --experimental-wasm-relaxed-simd, setThreads(${relaxed.threads})`,
      }));
    }
  } else results.push(skipped({ ...base, impl: 'scratchnet relaxed-SIMD build' }, relaxedReason || 'not run'));
  if (scalar?.w2) {
    results.push(measured({ ...base, impl: 'scratchnet scalar build' }, scalar.w2.samplesPerSec, {
      loss: scalar.w2.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: scalar.w2.loss, note: 'init({ simd: false }), child process',
    }));
  } else results.push(skipped({ ...base, impl: 'scratchnet scalar build' }, scalarReason || 'not run'));

  // The plain-TS reference: too slow for whole epochs, so the first refBatches batches, timed
  // per batch (the first refWarmup untimed); its loss is checked against scratchnet trained on
  // exactly those batches.
  {
    const { refBatches, refWarmup, batch, lr } = cfg.w2;
    const nb = Math.min(refBatches, Math.floor(data.n / batch));
    log(`W2 plain-TS reference (${nb} batches) ...`);
    const net = new RefNet(params, ['relu', 'relu', 'softmax'], 'softmaxCrossEntropy', batch);
    const perBatch: number[] = [];
    let total = 0;
    for (let bi = 0; bi < nb; bi++) {
      const index = Int32Array.from({ length: batch }, (_, i) => bi * batch + i);
      const t = performance.now();
      net.gather(data.x, data.y, index, batch);
      total += net.step(batch, lr) * batch;
      const ms = performance.now() - t;
      if (bi >= refWarmup) perBatch.push(batch / (ms / 1000));
    }
    const sub = nb * batch;
    const check = newW2Net(params);
    const checkLoss = check.train(
      new Matrix(sub, data.inputSize, data.x.subarray(0, sub * data.inputSize)),
      new Matrix(sub, data.classes, data.y.subarray(0, sub * data.classes)),
      { epochs: 1, batchSize: batch, learningRate: lr, loss: 'softmaxCrossEntropy', shuffle: false },
    ).loss[0]!;
    check.dispose();
    results.push(measured({ ...base, impl: 'plain TS reference' }, perBatch, {
      loss: total / sub, lossScratchnet: checkLoss,
      note: `first ${nb} batches only (${refWarmup} warm-up), per-batch rate; loss = mean over those batches, vs scratchnet on the same ${sub} samples`,
    }));
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    const impl = `tfjs ${backend}`;
    const why = tfSkip(backend);
    if (why) {
      results.push(skipped({ ...base, impl }, why));
      continue;
    }
    log(`W2 ${impl} ...`);
    try {
      const r = await tfjsMlp(tfh!, backend, params, data, epochs, cfg.w2.batch, cfg.w2.lr);
      results.push(measured({ ...base, impl }, r.samplesPerSec, {
        loss: r.epochLoss.at(-1)!, lossScratchnet: snFinal, lossHistory: r.epochLoss,
        note: `model.fit(shuffle: false), categoricalCrossentropy on softmax, same starting weights (setWeights)` +
          `${backend === 'wasm' ? `; ${wasmNote()}` : ''}${r.leakedTensors ? `; ${r.leakedTensors} tensors leaked` : ''}`,
      }));
    } catch (e) {
      results.push(skipped({ ...base, impl }, `failed: ${errText(e)}`));
    }
  }

  const variants = [
    ['f32', 'float32 loop', 'hand-written float32 loop, same products and order as scratchnet'],
    ['chapter_f64', "chapter's classes f64", "the chapter's Layer/NeuralNetwork (float64; also computes the unused 784-wide dX) + Linear output, softmax CE on logits"],
  ] as const;
  for (const [which, o, fallback] of [['one', numpy.one, 1], ['all', numpy.all, cpus.length]] as const) {
    for (const [key, what, note] of variants) {
      const impl = npLabel(what, o, fallback);
      const r = o?.w2?.[key];
      if (r) {
        results.push(measured({ ...base, impl }, r.samples_per_sec, { loss: r.epoch_loss.at(-1)!, lossScratchnet: snFinal, lossHistory: r.epoch_loss, note }));
      } else if (which === 'one' || cpus.length > 1) {
        results.push(skipped({ ...base, impl }, numpy.reason ?? (which === 'one' ? numpy.oneErr : numpy.allErr) ?? 'not run'));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// W3: gemm
// ---------------------------------------------------------------------------------------------

function kernelGemm(be: Backend, s: GemmShape, a: Float32Array, b: Float32Array): number[] {
  const A = be.alloc(a.length * 4, 'bench a'), B = be.alloc(b.length * 4, 'bench b'), C = be.alloc(s.m * s.n * 4, 'bench c');
  try {
    be.write(A.ptr, a);
    be.write(B.ptr, b);
    const k = be.kernels;
    return sampleCalls(() => k.gemm(C.ptr, A.ptr, B.ptr, s.m, s.n, s.k, s.transA, s.transB), cfg.w3.sample).perCallMs;
  } finally {
    be.release(C);
    be.release(B);
    be.release(A);
  }
}

async function runW3(): Promise<void> {
  const shapes = w3Shapes();
  // Every build this engine runs (relaxed SIMD only with --experimental-wasm-relaxed-simd on
  // Node 20); the baseline is the build init() picked.
  const builds: [string, Backend | string][] = [];
  for (const flavor of ['relaxed', 'simd', 'scalar'] as const) {
    if (flavor === 'relaxed' && !buildSupported('relaxed')) continue;
    try {
      builds.push([flavor, await loadBackend(flavor, { threads: 1 })]);
    } catch (e) {
      builds.push([flavor, errText(e)]);
    }
    if (flavor !== 'scalar' && cores > 1) {
      try {
        builds.push([`${flavor}, ${threadsLabel}`, await loadBackend(flavor, { threads: cores })]);
      } catch (e) {
        builds.push([`${flavor}, ${threadsLabel}`, errText(e)]);
      }
    }
  }
  let refRate: number | null = null;
  for (const s of shapes) {
    const f = flops(s);
    const gflops = (ms: number[]) => ms.map((t) => f / (t * 1e6));
    const base = { workload: 'W3' as const, case: s.id, metric: 'GFLOP/s', higherIsBetter: true };
    const flags = `${s.transA ? 'transA' : ''}${s.transB ? 'transB' : ''}`;
    log(`W3 ${s.id} ...`);
    const { a, b } = gemmOperands(s);
    for (const [flavor, be] of builds) {
      const impl = `scratchnet kernel ${flavor}`;
      if (typeof be === 'string') results.push(skipped({ ...base, impl }, be));
      else {
        results.push(measured({ ...base, impl, baseline: flavor === info.build }, gflops(kernelGemm(be, s, a, b)), {
          note: `be.kernels.gemm(c, a, b, ${s.m}, ${s.n}, ${s.k}, ${s.transA}, ${s.transB}) on WASM memory${flags ? ` (${flags})` : ''}`,
        }));
      }
    }
    if (cfg.w3.matmulAt.includes(s.id)) {
      const A = new Matrix(s.transA ? s.k : s.m, s.transA ? s.m : s.k, a), B = new Matrix(s.transB ? s.n : s.k, s.transB ? s.k : s.n, b);
      const o = { transposeA: s.transA === 1, transposeB: s.transB === 1 };
      results.push(measured({ ...base, impl: 'scratchnet matmul()' }, gflops(sampleCalls(() => void matmul(A, B, o), cfg.w3.sample).perCallMs), {
        note: 'public matmul(): validates, copies A and B into WASM memory and C out, per call',
      }));
    }
    {
      const impl = 'plain TS reference';
      if (f <= cfg.w3.refMaxFlops) {
        const c = new Float32Array(s.m * s.n);
        const ms = sampleCalls(() => referenceGemm(c, a, b, s.m, s.n, s.k, s.transA, s.transB), { ...cfg.w3.sample, warmupMs: Math.min(cfg.w3.sample.warmupMs, 50) }).perCallMs;
        if (s.m === s.n && s.n === s.k) refRate = median(gflops(ms));
        results.push(measured({ ...base, impl }, gflops(ms), { note: 'src/reference/gemm.ts (triple loop, float64 sums)' }));
      } else {
        const est = refRate ? ` (≈ ${(f / (refRate * 1e9)).toFixed(1)} s per call at ${fmt(refRate)} GFLOP/s)` : '';
        results.push(skipped({ ...base, impl }, `too slow above ${fmt(cfg.w3.refMaxFlops / 1e6)} MFLOP per call${est}`));
      }
    }
    for (const backend of ['wasm', 'cpu'] as const) {
      const impl = `tfjs ${backend}`;
      const why = tfSkip(backend);
      if (why) {
        results.push(skipped({ ...base, impl }, why));
        continue;
      }
      try {
        const ms = await tfjsGemm(tfh!, backend, s, a, b, cfg.w3.sample);
        results.push(measured({ ...base, impl }, gflops(ms), {
          note: `tf.matMul(a, b, ${s.transA === 1}, ${s.transB === 1}), result disposed` + (backend === 'wasm' ? `; ${wasmNote()}` : ''),
        }));
      } catch (e) {
        results.push(skipped({ ...base, impl }, `failed: ${errText(e)}`));
      }
    }
    for (const [which, o, fallback] of [['one', numpy.one, 1], ['all', numpy.all, cpus.length]] as const) {
      const impl = npLabel('f32 matmul', o, fallback);
      const r = o?.w3?.[s.id];
      if (r) {
        results.push(measured({ ...base, impl }, gflops(r.per_call_ms), {
          note: `np.matmul(..., out=c) float32, ${o.blas.name ?? 'BLAS'} ${o.blas.version ?? ''} (${o.blas.corename ?? '?'})`,
        }));
      } else if (which === 'one' || cpus.length > 1) {
        results.push(skipped({ ...base, impl }, numpy.reason ?? (which === 'one' ? numpy.oneErr : numpy.allErr) ?? 'not run'));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Run, then report
// ---------------------------------------------------------------------------------------------

if (opts.only.has('W1')) await runW1();
if (opts.only.has('W2')) await runW2();
if (opts.only.has('W3')) await runW3();
addRatios(results);

const elapsed = (performance.now() - t0) / 1000;
machine.loadAverageAtEnd = os.loadavg().map((v) => +v.toFixed(2));
machine.scratchnetAtEnd = backendInfo();
console.log(`scratchnet benchmark — ${machine.cpuModel} (${cpus.length} cores), ${machine.os}, Node ${process.version}, ` +
  `scratchnet ${info.build} build${opts.quick ? ', --quick' : ''}`);
console.log(`load average (1 min) ${(machine.loadAverageAtStart as number[])[0]} at start, ${(machine.loadAverageAtEnd as number[])[0]} at end ` +
  `on ${cpus.length} cores: other processes running at the same time slow every row they overlap`);
console.log('medians after warm-up; "speed vs scratchnet" > 1 means faster than scratchnet (its own row in each case is the base)\n');
console.log(formatTable(results));
const notes = [
  'W1 and W2 time whole training steps (forward, loss, gradient, backward, SGD update); W3 times the gemm alone.',
  'Losses: every implementation starts from the same weights and sees the same batches in the same order.',
];
const w2Losses = results.filter((r) => r.workload === 'W2' && r.loss !== undefined && r.impl !== 'plain TS reference').map((r) => r.loss!);
if (w2Losses.length > 1) {
  const lo = Math.min(...w2Losses), hi = Math.max(...w2Losses);
  notes.push(
    `W2 final losses span ${lo.toFixed(6)} .. ${hi.toFixed(6)}. The runs agree step by step (~1e-7) until, somewhere in ` +
      'training, a ReLU pre-activation within rounding of 0 comes out positive in one run and negative in another (one ' +
      'sample, one unit); from then on they follow slightly different trajectories, so final losses can differ by ~1e-4 ' +
      'and fall into groups. That is float rounding, not a bug; the plain-TS row checks the first batches exactly.',
  );
}
console.log(`\nnotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
console.log(`\n${results.filter((r) => r.median !== null).length} measured, ${results.filter((r) => r.median === null).length} skipped, ${elapsed.toFixed(0)} s`);

const jsonPath = `${root}bench-results.json`;
const svgPath = `${root}out/bench.svg`;
writeFileSync(
  jsonPath,
  JSON.stringify({ options: { only: [...opts.only], reps: opts.reps ?? null, quick: opts.quick }, config: cfg, machine, elapsedSeconds: +elapsed.toFixed(1), results }, null, 2) + '\n',
);

/** Bars of one implementation family share a colour across panels. */
function colourKey(r: BenchResult): string {
  if (r.baseline) return 'scratchnet';
  if (/^scratchnet .*scalar/.test(r.impl)) return 'scratchnet scalar';
  if (/^scratchnet .*relaxed/.test(r.impl)) return 'scratchnet relaxed';
  return r.impl.replace(/\s*\(\d+ threads?\)/, (m) => (/\(1 thread\)/.test(m) ? ' 1t' : ' nt'));
}

const panels: BarPanel[] = [];
const titles: Record<Workload, string> = {
  W1: "W1 — the chapter's XOR, [2,4,1] ReLU/Sigmoid, BCE, full batch, 10,000 epochs",
  W2: 'W2 — MLP 784-256-128-10, softmax cross-entropy, batch 64, SGD',
  W3: 'W3 — gemm C = op(A)·op(B), float32',
};
for (const w of ['W1', 'W2', 'W3'] as const) {
  const rs = results.filter((r) => r.workload === w);
  if (!rs.length) continue;
  const cases = [...new Set(rs.map((r) => r.case))];
  panels.push({
    title: titles[w],
    unit: rs[0]!.metric,
    higherIsBetter: rs[0]!.higherIsBetter,
    groups: cases.map((c) => ({
      label: c,
      bars: rs.filter((r) => r.case === c).map((r) => ({
        label: r.impl,
        key: colourKey(r),
        value: r.median,
        highlight: r.baseline === true,
        note: r.baseline ? '(base)' : r.ratio ? `${r.ratio >= 1 ? r.ratio.toFixed(2) : r.ratio.toPrecision(2)}x scratchnet` : '',
      })),
    })),
  });
}
mkdirSync(dirname(svgPath), { recursive: true });
writeFileSync(svgPath, barChartSvg(panels, {
  title: 'scratchnet vs peers',
  subtitle: `${machine.cpuModel} (${cpus.length} cores), Node ${process.version}, scratchnet ${info.build} build, ` +
    `${new Date().toISOString().slice(0, 10)}${opts.quick ? ' (--quick)' : ''}\nmedians after warm-up; ratios are speed relative to scratchnet (> 1: faster)`,
}));
console.log(`wrote ${relative(process.cwd(), jsonPath) || jsonPath} and ${relative(process.cwd(), svgPath) || svgPath}`);
