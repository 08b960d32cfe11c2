/**
 * The report of `npm run bench`: the table (with "% of limit"), notes, bench-results.json and
 * out/bench.svg.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, relative } from 'node:path';
import { fmt, formatTable, type BenchResult, type Limits, type Workload } from './lib/results.js';
import { barChartSvg, type BarPanel } from './lib/svg.js';
import type { Ctx } from './context.js';
import { NUMPY_MALLOC_ENV } from './lib/numpy.js';

const TITLES: Record<Workload, string> = {
  limit: 'limit — the 4×8 f32x4 micro-kernel on L1-resident data, 1 thread',
  W1: "W1 — the chapter's XOR, [2,4,1] ReLU/Sigmoid, BCE, full batch, 10,000 epochs",
  W2: 'W2 — MLP 784-256-128-10, softmax cross-entropy, batch 64, SGD',
  W3: 'W3 — gemm C = op(A)·op(B), float32',
  W4: 'W4 — MNIST-shaped epoch, 60,000 × 784, 784-128-10, Adam, batch 64, shuffled',
  W5: 'W5 — inference, predict() on 10,000 × 784 through 784-256-128-10',
};

/** Print the table and notes to stdout; write bench-results.json and out/bench.svg under `root`. */
export function report(ctx: Ctx, limits: Limits, elapsed: number, root: string): void {
  const { results, machine, opts, info } = ctx;
  const cpus = os.cpus();
  machine.loadAverageAtEnd = os.loadavg().map((v) => +v.toFixed(2));
  console.log(`scratchnet benchmark — ${machine.cpuModel} (${cpus.length} cores), ${machine.os}, Node ${process.version}, ` +
    `scratchnet ${info.build} build${opts.quick ? ', --quick' : ''}`);
  console.log(`load average (1 min) ${(machine.loadAverageAtStart as number[])[0]} at start, ${(machine.loadAverageAtEnd as number[])[0]} at end ` +
    `on ${cpus.length} cores: other processes running at the same time slow every row they overlap`);
  const lim = (v: number | null) => (v === null ? 'not measured' : `${fmt(v)} GFLOP/s`);
  console.log(`limit (measured in this run, median of ${ctx.peaks.simd.samples.length} samples taken between workloads): ` +
    `SIMD ${lim(limits.simd)}, relaxed SIMD ${lim(limits.relaxed)} per thread alone; with every core busy ${lim(limits.allCore.simd)} / ${lim(limits.allCore.relaxed)} per thread; ` +
    '"% of limit" = achieved FLOP/s ÷ (the peak × the row\'s threads: the lone-thread peak for 1-thread rows, the all-cores-busy one for rows on several threads)');
  console.log(opts.clock === 'cpu'
    ? 'clock: one-thread rows in CPU time of the measuring process (other processes on a shared machine do not inflate it; NumPy: process_time), ' +
      'rows on several threads (and NumPy with all BLAS threads) on the wall clock'
    : 'clock: wall (performance.now); on a shared machine prefer --clock cpu');
  console.log('medians after warm-up; "speed vs scratchnet" > 1 means faster than scratchnet (its own row in each case is the base)\n');
  console.log(formatTable(results));
  const notes = [
    'W1, W2 and W4 time whole training steps (gather, forward, loss, gradient, backward, update); W3 times the gemm alone.',
    'FLOPs counted for "% of limit": the gemms only (2·in·out per layer for forward and dW, and for dX but the first layer): ' +
      '1.007 MFLOP/sample (W2), 0.409 MFLOP/sample (W4); elementwise work, the loss and the optimizer are extra work on top.',
    'Losses: every implementation starts from the same weights and sees the same batches in the same order (tfjs W4: its own shuffle).',
    `NumPy runs with glibc's heap kept (${Object.entries(NUMPY_MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}): its per-step ` +
      'temporaries otherwise go back to the OS and are page-faulted in afresh each step, which on a VM with slow page faults made its W2 loop 6× slower.',
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
  writeFileSync(jsonPath, JSON.stringify({
    options: { only: [...opts.only], reps: opts.reps ?? null, quick: opts.quick, clock: opts.clock }, config: ctx.cfg, machine,
    limits: {
      ...limits, simdSamples: ctx.peaks.simd.samples, relaxedSamples: ctx.peaks.relaxed.samples,
      allCoreSimdSamples: ctx.peaks.simd.allCoreSamples, allCoreRelaxedSamples: ctx.peaks.relaxed.allCoreSamples,
    },
    elapsedSeconds: +elapsed.toFixed(1), results,
  }, null, 2) + '\n');

  const panels: BarPanel[] = [];
  for (const w of ['W1', 'W2', 'W3', 'W4'] as const) {
    const rs = results.filter((r) => r.workload === w);
    if (!rs.length) continue;
    const cases = [...new Set(rs.map((r) => r.case))];
    panels.push({
      title: TITLES[w],
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
}

/** Bars of one implementation family share a colour across panels. */
function colourKey(r: BenchResult): string {
  if (r.baseline) return 'scratchnet';
  if (/^scratchnet .*scalar/.test(r.impl)) return 'scratchnet scalar';
  if (/^scratchnet .*relaxed/.test(r.impl)) return 'scratchnet relaxed';
  return r.impl.replace(/\s*\(\d+ threads?\)/, (m) => (/\(1 thread\)/.test(m) ? ' 1t' : ' nt'));
}
