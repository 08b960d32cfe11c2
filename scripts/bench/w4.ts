/**
 * W4, the MNIST-shaped epoch: 60,000 × 784 seeded random samples, 784-128-10 ReLU/Softmax,
 * softmax cross-entropy, Adam lr 1e-3, batch 64, shuffled every epoch → samples/s (and seconds
 * per epoch in the note), on 1 and every thread, against tfjs-wasm and NumPy float32 (which is
 * given scratchnet's own row orders, so it sees the same batches).
 *
 * @module
 */
import { Dataset, Matrix } from '../../src/index.js';
import { mlpTrainFlops, newMlp, W4_SIZES, type LayerParams, type W2Data } from './lib/data.js';
import { fmt, measured, skipped, type BenchResult, type PeakKind } from './lib/results.js';
import { median, now } from './lib/timing.js';
import { tfjsMlp } from './lib/tfjs.js';
import { errText, log, machineScaling, relaxedChild, npLabel, npThreads, tfBackends, tfThreads, wasmNote, type Ctx } from './context.js';
import { lossesVsOneThread, mlpTrainOptions, pairedSpeedups, pairsNote, scratchnetMlp, scratchnetMlpOnThreads, takenOverNote, type MlpRun } from './scratchnet.js';

/** W4's training settings. */
export const w4Run = (ctx: Ctx): MlpRun => {
  const c = ctx.cfg.w4;
  return { epochs: 1 + c.timedEpochs, batch: c.batch, lr: c.lr, optimizer: 'adam', shuffle: true, seed: c.seed };
};

/**
 * Milliseconds of a net.train() call stopped by onBatch after its first batch: what a call costs
 * beyond its epochs (validation, the copy of the data into WASM memory and its check, the row
 * order, the plan, the weight snapshot), plus one batch. On matrices, or on a Dataset made once.
 */
function timeFirstBatch(data: W2Data | Dataset, params: readonly LayerParams[], run: MlpRun): number {
  const net = newMlp(params);
  try {
    const opts = { ...mlpTrainOptions({ ...run, epochs: 1 }), onBatch: () => false };
    if (data instanceof Dataset) {
      const t = now();
      net.train(data, opts);
      return now() - t;
    }
    const X = new Matrix(data.n, data.inputSize, data.x), Y = new Matrix(data.n, data.classes, data.y);
    const t = now();
    net.train(X, Y, opts);
    return now() - t;
  } finally {
    net.dispose();
  }
}

const secs = (n: number, rates: readonly number[]) => rates.map((r) => (n / r).toFixed(2)).join(', ');

/** Run W4 and append its rows to ctx.results. */
export async function runW4(ctx: Ctx): Promise<void> {
  const { data, params } = ctx.w4!;
  const { results, children, cores, info, numpy, cfg } = ctx;
  const run = w4Run(ctx);
  const flops = mlpTrainFlops(W4_SIZES);
  const work = (threads = 1, peak: PeakKind = 'simd') => ({ flops, threads, peak });
  const base = { workload: 'W4' as const, case: `mnist-shaped 784-128-10 n=${data.n} b=${run.batch} adam shuffled`, metric: 'samples/s', higherIsBetter: true };
  const row = (r: BenchResult) => results.push(r);
  log(`W4 scratchnet (${data.n} samples, ${run.epochs} epochs) ...`);
  const sn = scratchnetMlp(data, params, run);
  const snFinal = sn.loss.at(-1)!;
  row(measured({ ...base, impl: 'scratchnet', baseline: true, work: work() }, sn.samplesPerSec, {
    samplePeaks: sn.epochPeaks,
    loss: snFinal, lossScratchnet: snFinal, lossHistory: sn.loss,
    note: `${info.build} build, 1 thread; net.train(); s/epoch ${secs(data.n, sn.samplesPerSec)}; losses ${sn.loss.map((l) => l.toFixed(4)).join(' → ')}`,
  }));
  if (cores > 1) {
    const t = await scratchnetMlpOnThreads(cores, data, params, run);
    row(measured({ ...base, impl: `scratchnet, ${cores} threads`, work: work(cores) }, t.samplesPerSec, {
      samplePeaks: t.epochPeaks,
      loss: t.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: t.loss,
      note: `setThreads(${cores}); s/epoch ${secs(data.n, t.samplesPerSec)}; losses ${lossesVsOneThread(t.loss, sn.loss)}; ${takenOverNote([t.takenOverPerStep ?? 0])}`,
    }));
    log(`W4 scratchnet, ${cores} threads ÷ 1 thread in interleaved pairs ...`);
    const pairs = await pairedSpeedups(cores, data, params, run, ctx.cfg.pairs);
    row(measured({ ...base, impl: `scratchnet, ${cores} threads ÷ 1 thread`, metric: '× (speed-up)', higherIsBetter: true }, pairs.ratios, {
      note: `${pairs.ratios.length} interleaved pairs of short runs (a warm-up epoch, then one timed epoch on 1 thread, then on ${cores}; ${machineScaling(ctx)}): ` +
        pairsNote(pairs, `; epoch time ${(1 / median(pairs.ratios)).toFixed(2)}× one thread's`),
    }));
  }
  // Goal: repeated train() calls (one per epoch, as users do to log or evaluate) must not pay much
  // for the data set each call: a call stopped after its first batch, on matrices (copied and
  // checked per call) and on a Dataset (copied and checked once), interleaved, medians; against
  // the 1-thread epoch above.
  {
    log('W4 train() per-call cost (calls stopped after their first batch, matrices vs Dataset) ...');
    const epochMs = (1000 * data.n) / median(sn.samplesPerSec);
    const ds = new Dataset(new Matrix(data.n, data.inputSize, data.x), new Matrix(data.n, data.classes, data.y));
    const onMatrices: number[] = [], onDataset: number[] = [];
    try {
      for (let r = 0; r < Math.max(5, ctx.opts.reps ?? 5); r++) {
        onMatrices.push(timeFirstBatch(data, params, run));
        onDataset.push(timeFirstBatch(ds, params, run));
      }
    } finally {
      ds.dispose();
    }
    const perCall = (impl: string, ms: number[], what: string) => row(measured(
      { ...base, case: `${base.case} · per train() call`, impl, metric: 'ms', higherIsBetter: false }, ms,
      { note: `a train() call stopped after its first batch (${what}): ${fmt(median(ms))} ms = ${((100 * median(ms)) / epochMs).toFixed(1)}% of the ${fmt(epochMs)} ms 1-thread epoch above (medians of ${ms.length}, interleaved)` },
    ));
    perCall('scratchnet train(X, Y)', onMatrices, `X and Y as matrices: ${data.n}x${data.inputSize} copied into WASM memory and checked every call`);
    perCall('scratchnet train(dataset)', onDataset, 'a Dataset made once with new Dataset(X, Y), outside the timing: nothing copied or checked per call');
  }
  const rx = children.relaxed;
  if (rx?.w4) {
    row(measured({ ...base, impl: 'scratchnet relaxed-SIMD build', work: work(1, 'relaxed') }, rx.w4.samplesPerSec, {
      samplePeaks: rx.w4.epochPeaks,
      loss: rx.w4.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: rx.w4.loss, note: `1 thread, child process; s/epoch ${secs(data.n, rx.w4.samplesPerSec)}`,
    }));
    if (rx.w4Threads) {
      row(measured({ ...base, impl: `scratchnet relaxed-SIMD, ${rx.threads} threads`, work: work(rx.threads, 'relaxed') }, rx.w4Threads.samplesPerSec, {
        samplePeaks: rx.w4Threads.epochPeaks,
        loss: rx.w4Threads.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: rx.w4Threads.loss,
        note: `child process, setThreads(${rx.threads}); s/epoch ${secs(data.n, rx.w4Threads.samplesPerSec)}`,
      }));
    }
    if (rx.w4Pairs) {
      row(measured({ ...base, impl: `scratchnet relaxed-SIMD, ${rx.threads} threads ÷ 1 thread`, metric: '× (speed-up)', higherIsBetter: true }, rx.w4Pairs.ratios, {
        note: `${rx.w4Pairs.ratios.length} interleaved pairs in the ${relaxedChild()}, as above (${machineScaling(ctx, 'relaxed')}): ` +
          pairsNote(rx.w4Pairs, `; epoch time ${(1 / median(rx.w4Pairs.ratios)).toFixed(2)}× one thread's`),
      }));
    }
  } else row(skipped({ ...base, impl: 'scratchnet relaxed-SIMD build' }, children.relaxedReason || 'not run'));

  for (const { impl } of tfBackends(ctx, (impl, why) => row(skipped({ ...base, impl }, why)), ['wasm'])) {
    log(`W4 ${impl} (warm-up on ${cfg.w4.tfWarmupRows} rows, then ${cfg.w4.tfTimedEpochs} epochs) ...`);
    try {
      const r = await tfjsMlp(ctx.tf.handle!, 'wasm', params, data, {
        epochs: cfg.w4.tfTimedEpochs, batchSize: run.batch, lr: run.lr, optimizer: 'adam', shuffle: true, warmupRows: cfg.w4.tfWarmupRows,
      });
      row(measured({ ...base, impl, work: work(tfThreads(ctx)) }, r.samplesPerSec, {
        loss: r.epochLoss.at(-1)!, lossScratchnet: sn.loss[Math.min(sn.loss.length, r.epochLoss.length) - 1],
        lossHistory: r.epochLoss,
        note: `model.fit(shuffle: true: its own order), tf.train.adam(${run.lr}), same starting weights; one warm-up epoch on ` +
          `${cfg.w4.tfWarmupRows} rows first; s/epoch ${secs(data.n, r.samplesPerSec)}; ${wasmNote(ctx)}`,
      }));
    } catch (e) {
      row(skipped({ ...base, impl }, `failed: ${errText(e)}`));
    }
  }

  for (const [which, o, fallback] of [['one', numpy.one, 1], ['all', numpy.all, cores]] as const) {
    const impl = npLabel('float32 loop', o, fallback);
    const r = o?.w4?.['f32'];
    if (r) {
      row(measured({ ...base, impl, work: work(npThreads(o, fallback)) }, r.samples_per_sec, {
        loss: r.epoch_loss.at(-1)!, lossScratchnet: snFinal, lossHistory: r.epoch_loss,
        note: `float32 loop with Adam as scratchnet computes it, batches gathered (x[order]) in scratchnet's own shuffled order; s/epoch ${secs(data.n, r.samples_per_sec)}`,
      }));
    } else if (which === 'one' || cores > 1) {
      row(skipped({ ...base, impl }, numpy.reason ?? (which === 'one' ? numpy.oneErr : numpy.allErr) ?? 'not run'));
    }
  }
}
