/**
 * W5: inference, `predict()` on 10,000 x 784 rows through 784-256-128-10 ReLU/ReLU/Softmax (the
 * public call: validation, the copy in, three fused dense kernels, the copy out) → samples/s and
 * its % of the limit (2·(784·256 + 256·128 + 128·10) FLOP per row), on 1 thread and every core.
 *
 * @module
 */
import { Matrix, NeuralNetwork, ReLU, RandomState, setThreads, Softmax } from '../../src/index.js';
import { measured, type BenchResult } from './lib/results.js';
import { median, now, withWallClock } from './lib/timing.js';
import { log, machineScaling, type Ctx } from './context.js';

const SIZES = [784, 256, 128, 10];
const FLOPS = SIZES.slice(1).reduce((s, out, i) => s + 2 * SIZES[i]! * out, 0);

function samplesPerSec(net: NeuralNetwork, x: Matrix, reps: number): number[] {
  net.predict(x);
  net.predict(x); // warm-up: the workspace for this batch, and the JIT
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = now();
    net.predict(x);
    out.push(x.rows / ((now() - t) / 1000));
  }
  return out;
}

/** Run W5 and append its rows to ctx.results. */
export async function runW5(ctx: Ctx): Promise<void> {
  const { n, reps } = ctx.cfg.w5;
  const rng = new RandomState(5);
  const x = new Matrix(n, 784, Float32Array.from({ length: n * 784 }, () => rng.random()));
  const net = new NeuralNetwork(SIZES, [new ReLU(), new ReLU(), new Softmax()], { seed: 1, init: 'he' });
  const base = { workload: 'W5' as const, case: `predict ${n}x784, 784-256-128-10`, metric: 'samples/s', higherIsBetter: true };
  const row = (r: BenchResult) => ctx.results.push(r);
  log(`W5 predict (${n} rows) ...`);
  row(measured({ ...base, impl: 'scratchnet predict()', baseline: true, work: { flops: FLOPS, threads: 1, peak: 'simd' } }, samplesPerSec(net, x, reps), {
    note: `${ctx.info.build} build, 1 thread; ${(FLOPS / 1e6).toFixed(3)} MFLOP/row`,
  }));
  if (ctx.cores > 1) {
    await setThreads(ctx.cores);
    const s = await withWallClock(() => samplesPerSec(net, x, reps));
    await setThreads(1);
    row(measured({ ...base, impl: `scratchnet predict(), ${ctx.cores} threads`, work: { flops: FLOPS, threads: ctx.cores, peak: 'simd' } }, s, {
      note: `setThreads(${ctx.cores})`,
    }));
    // The rows above are on two clocks under --clock cpu (CPU time for 1 thread, the wall clock
    // for several): the speed-up comes from interleaved pairs of calls, both on the wall clock.
    log(`W5 predict, ${ctx.cores} threads ÷ 1 thread in interleaved pairs ...`);
    const pairs: number[] = [];
    await withWallClock(async () => {
      for (let p = 0; p < ctx.cfg.pairs; p++) {
        await setThreads(1);
        const one = median(samplesPerSec(net, x, 3));
        await setThreads(ctx.cores);
        pairs.push(median(samplesPerSec(net, x, 3)) / one);
      }
      await setThreads(1);
    });
    row(measured({ ...base, impl: `scratchnet predict(), ${ctx.cores} threads ÷ 1 thread`, metric: '× (speed-up)', higherIsBetter: true }, pairs, {
      note: `${pairs.length} interleaved pairs (the median of 3 calls on 1 thread, then on ${ctx.cores}, each after 2 warm-up calls; wall clock for both; ` +
        `${machineScaling(ctx)}): ${pairs.map((r) => r.toFixed(2)).join(', ')}`,
    }));
  }
  net.dispose();
}
