// `npm run bench`: scratchnet against the machine's limit and its peers, side by side, in one run.
//
//   limit  the gemm's 4×8 f32x4 micro-kernel on L1-resident data (SIMD, and relaxed SIMD where
//          available), measured at the start, between workloads and at the end → GFLOP/s
//   W1  the chapter's XOR: [2, 4, 1] ReLU/Sigmoid, BCE, full batch, SGD lr 0.1, 10,000 epochs → µs/epoch
//   W2  MLP 784-256-128-10 ReLU/ReLU/Softmax, softmax cross-entropy, batch 64, SGD lr 0.01,
//       8,192 seeded synthetic samples, 1 warm-up epoch then 3 timed epochs       → samples/s
//   W3  gemm at n = 32 … 1024 and at the W2/W4 shapes (forward, dW = Xᵀ·dY, dX = dY·Wᵀ) → GFLOP/s
//   W4  the MNIST-shaped epoch: 60,000 × 784, 784-128-10, Adam 1e-3, batch 64, shuffled → samples/s
//   W5  inference: predict() on 10,000 × 784 through 784-256-128-10 → samples/s
//
// Every training and gemm row also shows "% of limit": its FLOP/s over the measured peak × threads.
// Peers: scratchnet's scalar and relaxed builds (child processes), the plain-TS reference
// (src/reference), a plain-JS loop (W1), TensorFlow.js 4.22 (wasm, cpu), brain.js (W1), and NumPy
// (scripts/bench_numpy.py; 1 BLAS thread and all). Medians of ≥ 3 repetitions after warm-up.
//
// Flags: --only W1,W4  --reps N  --quick (fewer reps, sizes and samples)  --profile (where a
// training step's time goes, timed inside the training loop on W2 and W4: profile.ts). Writes bench-results.json and out/bench.svg.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { init, setThreads } from '../../src/index.js';
import { buildSupported } from '../../src/backend/load.js';
import { makeW2Data, mlpInitialParams, W2_SIZES, W4_SIZES } from './lib/data.js';
import { addLimits, addRatios, measured, skipped, type Limits } from './lib/results.js';
import { loadTfPeer, log, machineInfo, makeInputs, runBuildChildren, runNumpyPeer, type Ctx } from './context.js';
import { PeakSamples, peakModule } from './limit.js';
import { setClock } from './lib/timing.js';
import { makeConfig, parseOptions } from './options.js';
import { runProfile } from './profile.js';
import { useProfileBuilds } from '../lib/profile-builds.js';
import { relaxedSimdFlags } from '../lib/node-flags.js';
import { report } from './report.js';
import { pairedSpeedups, scratchnetMlp, scratchnetMlpOnThreads, scratchnetXor, type ChildOutput } from './scratchnet.js';
import { runW1 } from './w1.js';
import { runW2, w2Run } from './w2.js';
import { runW3 } from './w3.js';
import { runW4, w4Run } from './w4.js';
import { runW5 } from './w5.js';

const opts = parseOptions(process.argv.slice(2));
const cfg = makeConfig(opts);
setClock(opts.clock);
const root = fileURLToPath(new URL('../..', import.meta.url));
const scriptPath = fileURLToPath(import.meta.url);
// Node 20 runs relaxed SIMD (the limit's relaxed peak, W3's relaxed rows) only with a flag that
// Node ≥ 22 refuses: where it is needed, run this bench again with it (the run then needs none).
const flags = relaxedSimdFlags();
if (flags.length) process.exit(spawnSync(process.execPath, [...flags, ...process.execArgv, scriptPath, ...process.argv.slice(2)], { stdio: 'inherit' }).status ?? 1);
/** One thread for the baseline rows; the "N threads" rows switch to every core. */
const cores = os.availableParallelism?.() ?? os.cpus().length;

if (opts.child) {
  // scalar: the single-threaded scalar build; relaxed: the relaxed-SIMD build (this child runs
  // with the flag Node 20 needs for it, see node-flags.ts), on one thread and (W2, W4) on every core
  const info = opts.child === 'scalar' ? await init({ simd: false, threads: 1 }) : await init({ threads: cores });
  if (opts.child === 'relaxed' && info.build !== 'relaxed') throw new Error(`relaxed child got the ${info.build} build`);
  await setThreads(1);
  const out: ChildOutput = { build: info.build, threads: cores };
  const c = { opts, cfg } as Ctx;
  if (opts.only.has('W1')) out.w1 = scratchnetXor(cfg.w1.epochs, cfg.w1.lr, cfg.w1.reps, cfg.w1.warmupMs);
  for (const [w, key, sizes, n, run, seed] of [
    ['W2', 'w2', W2_SIZES, cfg.w2.n, w2Run(c), undefined], ['W4', 'w4', W4_SIZES, cfg.w4.n, w4Run(c), 2025],
  ] as const) {
    if (!opts.only.has(w)) continue;
    const data = makeW2Data(n, seed), params = mlpInitialParams(sizes);
    out[key] = scratchnetMlp(data, params, run);
    if (opts.child === 'relaxed' && cores > 1) {
      out[`${key}Threads`] = await scratchnetMlpOnThreads(cores, data, params, run);
      out[`${key}Pairs`] = await pairedSpeedups(cores, data, params, run, cfg.pairs); // both halves on the wall clock
    }
  }
  // exit once the line is written: a pipe may take it in parts (Node 24 cut the scalar child's off)
  await new Promise<void>((done) => process.stdout.write(`\n${JSON.stringify(out)}\n`, () => done()));
  process.exit(0);
}

const t0 = performance.now();
// The standard SIMD build (what Node 20 runs without flags), every core available; baseline rows
// run on one thread, the "N threads" rows on all of them.
if (opts.profile) useProfileBuilds();
const info = await init({ relaxedSimd: false, threads: cores });
await setThreads(1);
const relaxedOk = buildSupported('relaxed');
const ctx: Ctx = {
  opts, cfg, info, cores,
  results: [],
  machine: machineInfo(info, relaxedOk),
  peaks: {
    simd: new PeakSamples(peakModule('simd'), cfg.limit.kc, cfg.limit.passes, cfg.limit.sample),
    relaxed: new PeakSamples(relaxedOk ? peakModule('relaxed') : null, cfg.limit.kc, cfg.limit.passes, cfg.limit.sample),
  },
  w2: null, w4: null,
  tf: { handle: null, reason: '' },
  numpy: {},
  children: { scalar: null, relaxed: null, scalarReason: '', relaxedReason: '' },
};
const measurePeaks = () => {
  ctx.peaks.simd.measure();
  ctx.peaks.relaxed.measure();
};
log(`bench: ${ctx.machine.cpuModel} x${ctx.machine.cpuCount}, Node ${process.version}, scratchnet ${info.build} build` +
  `${opts.quick ? ', --quick' : ''}; ${opts.profile ? 'profile' : `workloads ${[...opts.only].join(', ')}`}`);
measurePeaks();
const measureAllCorePeaks = async () => {
  await ctx.peaks.simd.measureAllCores(cores - 1);
  await ctx.peaks.relaxed.measureAllCores(cores - 1);
};
if (!opts.profile) await measureAllCorePeaks();

if (opts.profile) {
  await runProfile(ctx);
  process.exit(0);
}

Object.assign(ctx, makeInputs(opts, cfg));
await loadTfPeer(ctx);
await runNumpyPeer(ctx, `${root}scripts/bench_numpy.py`);
await runBuildChildren(ctx, scriptPath);
measurePeaks();

const workloads = [['W1', runW1], ['W2', runW2], ['W3', runW3], ['W4', runW4], ['W5', runW5]] as const;
for (const [w, run] of workloads) {
  if (!opts.only.has(w)) continue;
  await run(ctx);
  measurePeaks();
}

await measureAllCorePeaks();
const limits: Limits = {
  simd: ctx.peaks.simd.value, relaxed: ctx.peaks.relaxed.value,
  allCore: { simd: ctx.peaks.simd.allCoreValue, relaxed: ctx.peaks.relaxed.allCoreValue },
};
const peaks = ([['simd', ctx.peaks.simd], ['relaxed', ctx.peaks.relaxed]] as const).filter(([, p]) => p.samples.length);
/** A limit row's identity: the peak `kind`, measured as `how`. */
const limitBase = (kind: 'simd' | 'relaxed', how: string) => ({
  workload: 'limit' as const, case: `16 4x8 f32x4 tiles down a packed panel, kc=${cfg.limit.kc}, L1`,
  impl: `${kind === 'simd' ? 'SIMD' : 'relaxed SIMD'} peak${how}`, metric: 'GFLOP/s', higherIsBetter: true,
});
const limitRows = peaks
  .map(([kind, p]) => measured(
    { ...limitBase(kind, ', 1 thread'), baseline: kind === 'simd', work: { flops: 1e9, threads: 1, peak: kind } },
    p.samples,
    { note: `peakTile (assembly/peak.ts → gemm.ts tile4x8, inlined as in the gemm), ${p.samples.length} samples taken between workloads; the limit of every 1-thread row below` },
  ));
const allCoreRows = peaks
  .filter(() => cores > 1)
  .map(([kind, p]) => {
    const base = limitBase(kind, ` per thread, all ${cores} cores busy`);
    if (!p.allCoreSamples.length) return skipped(base, p.allCoreReason || 'not measured');
    const ratio = cores * (p.allCoreValue! / p.value!);
    return measured({ ...base, work: { flops: 1e9, threads: 1, peak: kind } }, p.allCoreSamples, {
      note: `the same, on this thread while ${cores - 1} worker thread(s) run it too (${p.allCoreSamples.length} samples, start and end of the run): ` +
        `${cores} threads can reach ${ratio.toFixed(2)}× one thread alone; the limit of every ${cores}-thread row below is this × ${cores}`,
    });
  });
ctx.results.unshift(...limitRows, ...allCoreRows);
addRatios(ctx.results);
addLimits(ctx.results, limits);
report(ctx, limits, (performance.now() - t0) / 1000, root);
