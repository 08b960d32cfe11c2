/**
 * `npm run bench -- --profile`: where a training step's time goes, on the W2 and W4 shapes, on
 * 1 thread and on every core. Each kernel family is timed in isolation on the step's own shapes
 * (the same exports the kernel loop calls, on buffers in WASM memory; a whole step's worth of that
 * family per timed call), and the whole step is timed with `net.train`; what the parts do not
 * explain is the loop itself plus cache effects between phases. On several threads the
 * "threads overhead" row is what the parallel phases cost above a perfect split of their
 * one-thread time (barriers, waking workers, imbalance).
 *
 * @module
 */
import { setThreads } from '../../src/index.js';
import { loadBackend } from '../../src/backend/load.js';
import type { Backend } from '../../src/backend/heap.js';
import { makeW2Data, mlpInitialParams, W2_SIZES, W4_SIZES } from './lib/data.js';
import { fmt } from './lib/results.js';
import { currentClock, median, sampleCalls, withWallClock } from './lib/timing.js';
import { log, type Ctx } from './context.js';
import { scratchnetMlp, type MlpRun } from './scratchnet.js';
import { w2Run } from './w2.js';
import { w4Run } from './w4.js';

type K = (...args: number[]) => void;

/** The phases, in step order. */
const PHASES = [
  ['gather', 'gather the batch (gatherRows of x and targets)'],
  ['forward gemms', 'x·W per layer (gemm)'],
  ['epilogues', 'bias add + activation forward per layer (standalone; fused into the gemm in the loop)'],
  ['loss', 'softmax cross-entropy loss and its gradient'],
  ['activation backward', 'ReLU backward per hidden layer'],
  ['backward gemms dW', 'Xᵀ·dZ per layer (gemm transA)'],
  ['backward gemms dX', 'dZ·Wᵀ per layer but the first (gemm transB)'],
  ['bias gradients', 'column sums per layer'],
  ['optimizer update', 'SGD or Adam over every W and b, into the other copy of the weights (the loop alternates two copies, so the weights before a step are kept without a copy)'],
] as const;
type Phase = (typeof PHASES)[number][0];

/** µs per step of each phase, on `be` (its own thread count), for an MLP of `sizes`. */
function phaseTimes(be: Backend, sizes: readonly number[], batch: number, n: number, adam: boolean, ctx: Ctx): Map<Phase, number> {
  const k = be.kernels as unknown as Record<string, K>;
  const blocks: { ptr: number }[] = [];
  const f32 = (count: number, fill?: () => number) => {
    const b = be.alloc(Math.max(count, 4) * 4, 'profile');
    blocks.push(b as { ptr: number });
    if (fill) be.write(b.ptr, Float32Array.from({ length: count }, fill));
    return b.ptr;
  };
  const rnd = () => Math.random() - 0.5;
  const inp = sizes[0]!, classes = sizes.at(-1)!;
  const X = f32(n * inp, Math.random), Y = f32(n * classes, () => 0);
  const idxB = be.alloc(batch * 4, 'profile idx');
  be.writeI32(idxB.ptr, Int32Array.from({ length: batch }, () => Math.floor(Math.random() * n)));
  const x0 = f32(batch * inp), t = f32(batch * classes), slot = f32(4);
  const L = sizes.slice(1).map((out, i) => {
    const inSize = sizes[i]!;
    return {
      inSize, out,
      w: f32(inSize * out, () => rnd() * 0.1), b: f32(out, () => 0), dw: f32(inSize * out), db: f32(out),
      w2: f32(inSize * out), b2: f32(out),
      z: f32(batch * out, rnd), y: f32(batch * out), g: f32(batch * out, () => rnd() * 1e-3),
      m: f32(inSize * out + out), v: f32(inSize * out + out),
    };
  });
  const dx = L.map((l) => f32(batch * l.inSize));
  const input = (i: number) => (i === 0 ? x0 : L[i - 1]!.y);
  const last = L.length - 1;
  const run: Record<Phase, () => void> = {
    'gather': () => {
      k.gatherRows!(x0, X, idxB.ptr, batch, inp);
      k.gatherRows!(t, Y, idxB.ptr, batch, classes);
    },
    'forward gemms': () => L.forEach((l, i) => k.gemm!(l.z, input(i), l.w, batch, l.out, l.inSize, 0, 0)),
    'epilogues': () => L.forEach((l, i) => {
      k.addBiasRows!(l.z, l.z, l.b, batch, l.out);
      k[i === last ? 'softmaxForward' : 'reluForward']!(l.y, l.z, batch, l.out, 0);
    }),
    'loss': () => {
      k.softmaxCrossEntropyLoss!(slot, L[last]!.z, t, batch, classes);
      k.softmaxCrossEntropyGrad!(L[last]!.g, L[last]!.z, t, batch, classes, 1 / batch);
    },
    'activation backward': () => L.forEach((l, i) => {
      if (i !== last) k.reluBackward!(l.g, l.g, l.z, l.y, batch, l.out, 0);
    }),
    'backward gemms dW': () => L.forEach((l, i) => k.gemm!(l.dw, input(i), l.g, l.inSize, l.out, batch, 1, 0)),
    'backward gemms dX': () => L.forEach((l, i) => {
      if (i > 0) k.gemm!(dx[i]!, l.g, l.w, batch, l.inSize, l.out, 0, 1);
    }),
    'bias gradients': () => L.forEach((l) => k.sumColumns!(l.db, l.g, batch, l.out)),
    'optimizer update': () => L.forEach((l) => {
      if (adam) {
        k.adamUpdate!(l.w2, l.w, l.dw, l.m, l.v, 1e-9, 0.9, 0.999, 1e-7, 1.1, 1.001, l.inSize * l.out);
        k.adamUpdate!(l.b2, l.b, l.db, l.m + l.inSize * l.out * 4, l.v + l.inSize * l.out * 4, 1e-9, 0.9, 0.999, 1e-7, 1.1, 1.001, l.out);
      } else {
        k.sgdUpdate!(l.w2, l.w, l.dw, 1e-9, l.inSize * l.out);
        k.sgdUpdate!(l.b2, l.b, l.db, 1e-9, l.out);
      }
    }),
  };
  const out = new Map<Phase, number>();
  try {
    for (const [p] of PHASES) out.set(p, median(sampleCalls(run[p], ctx.cfg.profile.sample).perCallMs) * 1000);
  } finally {
    be.release(idxB as never);
    for (const b of blocks) be.release(b as never);
  }
  return out;
}

/** µs per step of `net.train` on the workload (median over timed epochs). */
async function stepTime(ctx: Ctx, sizes: readonly number[], n: number, run: MlpRun, threads: number, seed?: number): Promise<{ us: number; loss: number[] }> {
  await setThreads(threads);
  try {
    const r = scratchnetMlp(makeW2Data(n, seed), mlpInitialParams(sizes), run);
    return { us: (1e6 * run.batch) / median(r.samplesPerSec), loss: r.loss };
  } finally {
    await setThreads(1);
  }
}

/** Run the profile and print its table. */
export async function runProfile(ctx: Ctx): Promise<void> {
  const { cfg, cores } = ctx;
  const threadCounts = cores > 1 ? [1, cores] : [1];
  const backends = new Map<number, Backend>();
  for (const t of threadCounts) backends.set(t, await loadBackend('simd', { threads: t }));
  const cases = [
    { name: 'W2 784-256-128-10 SGD', sizes: W2_SIZES, n: cfg.profile.w2Rows, run: { ...w2Run(ctx), epochs: 1 + Math.min(3, cfg.w2.timedEpochs) }, adam: false, seed: undefined },
    { name: 'W4 784-128-10 Adam', sizes: W4_SIZES, n: cfg.w4.n, run: { ...w4Run(ctx), epochs: 1 + Math.min(2, cfg.w4.timedEpochs) }, adam: true, seed: 2025 },
  ];
  const columns: { title: string; phases: Map<Phase, number>; step: number; overhead: number | null }[] = [];
  for (const c of cases) {
    const one = new Map<Phase, number>();
    for (const t of threadCounts) {
      log(`profile: ${c.name}, ${t} thread${t > 1 ? 's' : ''} ...`);
      const measure = () => phaseTimes(backends.get(t)!, c.sizes, c.run.batch, c.n, c.adam, ctx);
      const phases = t > 1 ? await withWallClock(measure) : measure();
      if (t === 1) for (const [p, v] of phases) one.set(p, v);
      const step = t > 1 ? await withWallClock(() => stepTime(ctx, c.sizes, c.n, c.run, t, c.seed)) : await stepTime(ctx, c.sizes, c.n, c.run, t, c.seed);
      // parallel phases' cost above a perfect split of their one-thread time
      const overhead = t > 1 ? [...phases].reduce((s, [p, v]) => s + Math.max(0, v - one.get(p)! / t), 0) : null;
      columns.push({ title: `${c.name}, ${t}t`, phases, step: step.us, overhead });
    }
  }
  const head = ['phase', ...columns.flatMap((c) => [`${c.title} µs/step`, '%'])];
  const rows: string[][] = [];
  const pct = (v: number, step: number) => `${((100 * v) / step).toFixed(1)}%`;
  for (const [p] of PHASES) rows.push([p, ...columns.flatMap((c) => [fmt(c.phases.get(p)!), pct(c.phases.get(p)!, c.step)])]);
  rows.push(['sum of the parts', ...columns.flatMap((c) => {
    const s = [...c.phases.values()].reduce((a, b) => a + b, 0);
    return [fmt(s), pct(s, c.step)];
  })]);
  rows.push(['  of which threads overhead', ...columns.flatMap((c) => (c.overhead === null ? ['', ''] : [fmt(c.overhead), pct(c.overhead, c.step)]))]);
  rows.push(['whole step (net.train)', ...columns.flatMap((c) => [fmt(c.step), '100%'])]);
  rows.push(['rest: loop, cache effects', ...columns.flatMap((c) => {
    const r = c.step - [...c.phases.values()].reduce((a, b) => a + b, 0);
    return [fmt(r), pct(r, c.step)];
  })]);
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => [...r[i]!].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`scratchnet training-step profile — ${ctx.machine.cpuModel} (${cores} cores), Node ${process.version}; ` +
    `load average ${(ctx.machine.loadAverageAtStart as number[])[0]}; SIMD limit ${fmt(ctx.peaks.simd.value ?? NaN)} GFLOP/s per thread`);
  console.log(`each phase timed alone on the step's shapes (batch 64), medians after warm-up; the whole step from net.train epochs; ` +
    `${currentClock() === 'cpu' ? 'one-thread columns in process CPU time, several-thread columns on the wall clock' : 'wall clock'}\n`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(`\nphases:\n${PHASES.map(([p, d]) => `- ${p}: ${d}`).join('\n')}`);
  console.log('- threads overhead: on several threads, what the phases cost above (one-thread time ÷ threads): barriers, waking workers, imbalance, phases too small to split');
  for (const be of backends.values()) await be.shutdown();
}
