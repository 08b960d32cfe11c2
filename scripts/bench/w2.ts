/**
 * W2: MLP 784-256-128-10 ReLU/ReLU/Softmax, softmax cross-entropy, batch 64, SGD lr 0.01, seeded
 * synthetic samples in order, 1 warm-up epoch then timed epochs → samples/s, against scratchnet's
 * other builds, the plain-TS reference, tfjs and NumPy.
 *
 * @module
 */
import { Matrix } from '../../src/index.js';
import { mlpTrainFlops, newMlp, W2_SIZES, type W2Data } from './lib/data.js';
import { RefNet } from './lib/reference.js';
import { measured, skipped, type BenchResult, type PeakKind } from './lib/results.js';
import { tfjsMlp } from './lib/tfjs.js';
import { errText, log, relaxedChild, machineScaling, npLabel, npThreads, tfBackends, tfThreads, wasmNote, type Ctx } from './context.js';
import { lossesVsOneThread, pairedSpeedups, pairsNote, scratchnetMlp, scratchnetMlpOnThreads, takenOverNote, type MlpRun } from './scratchnet.js';
import { median, now } from './lib/timing.js';

/** W2's training settings. */
export const w2Run = (ctx: Ctx): MlpRun => {
  const c = ctx.cfg.w2;
  return { epochs: 1 + c.timedEpochs, batch: c.batch, lr: c.lr, optimizer: 'sgd', shuffle: false, seed: 0 };
};

/** Run W2 and append its rows to ctx.results. */
export async function runW2(ctx: Ctx): Promise<void> {
  const { data, params } = ctx.w2!;
  const { results, children, cores, info, numpy } = ctx;
  const run = w2Run(ctx);
  const flops = mlpTrainFlops(W2_SIZES);
  const work = (threads = 1, peak: PeakKind = 'simd') => ({ flops, threads, peak });
  const base = { workload: 'W2' as const, case: `mlp 784-256-128-10 n=${data.n} b=${run.batch}`, metric: 'samples/s', higherIsBetter: true };
  const row = (r: BenchResult) => results.push(r);
  log(`W2 scratchnet (${data.n} samples, ${run.epochs} epochs) ...`);
  const sn = scratchnetMlp(data, params, run);
  const snFinal = sn.loss.at(-1)!;
  row(measured({ ...base, impl: 'scratchnet', baseline: true, work: work() }, sn.samplesPerSec, {
    samplePeaks: sn.epochPeaks,
    loss: snFinal, lossScratchnet: snFinal, lossHistory: sn.loss,
    note: `${info.build} build, 1 thread; net.train(), epoch losses ${sn.loss.map((l) => l.toFixed(4)).join(' → ')}`,
  }));
  // The same network with Tanh or Sigmoid hidden layers (the same products; their activations
  // are evaluated four lanes at a time, expf.ts): what they cost over ReLU, in this run.
  for (const [hidden, name] of [['tanh', 'Tanh'], ['sigmoid', 'Sigmoid']] as const) {
    log(`W2 scratchnet, ${name} hidden layers ...`);
    const h = scratchnetMlp(data, params, run, hidden);
    row(measured({ ...base, impl: `scratchnet, ${name} hidden layers`, work: work() }, h.samplesPerSec, {
      samplePeaks: h.epochPeaks,
      note: `${info.build} build, 1 thread; 784-256(${name})-128(${name})-10(Softmax), the same starting weights; ` +
        `${(median(h.samplesPerSec) / median(sn.samplesPerSec)).toFixed(3)}× the ReLU network's speed; epoch losses ${h.loss.map((l) => l.toFixed(4)).join(' → ')}`,
    }));
  }
  if (cores > 1) {
    const t = await scratchnetMlpOnThreads(cores, data, params, run);
    row(measured({ ...base, impl: `scratchnet, ${cores} threads`, work: work(cores) }, t.samplesPerSec, {
      samplePeaks: t.epochPeaks,
      loss: t.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: t.loss,
      note: `${info.build} build, setThreads(${cores}); losses ${lossesVsOneThread(t.loss, sn.loss)}; ${takenOverNote([t.takenOverPerStep ?? 0])}`,
    }));
    log(`W2 scratchnet, ${cores} threads ÷ 1 thread in interleaved pairs ...`);
    const pairs = await pairedSpeedups(cores, data, params, run, ctx.cfg.pairs);
    row(measured({ ...base, impl: `scratchnet, ${cores} threads ÷ 1 thread`, metric: '× (speed-up)', higherIsBetter: true }, pairs.ratios, {
      note: `${pairs.ratios.length} interleaved pairs of short runs (a warm-up epoch, then one timed epoch on 1 thread, then on ${cores}; ${machineScaling(ctx)}): ${pairsNote(pairs)}`,
    }));
  }
  if (cores > 1 && data.n > 1024) {
    // the same on the first 1,024 rows (16 batches an epoch): per-epoch costs weigh more
    const n = 1024, small: W2Data = { ...data, n, x: data.x.subarray(0, n * data.inputSize), y: data.y.subarray(0, n * data.classes), labels: data.labels.subarray(0, n) };
    const smallRun = { ...run, epochs: 1 + 3 * (run.epochs - 1) };
    log(`W2 scratchnet on ${n} rows, 1 and ${cores} threads ...`);
    const one = scratchnetMlp(small, params, smallRun);
    const all = await scratchnetMlpOnThreads(cores, small, params, smallRun);
    const smallBase = { ...base, case: `mlp 784-256-128-10 n=${n} b=${run.batch}` };
    row(measured({ ...smallBase, impl: 'scratchnet', baseline: true, work: work() }, one.samplesPerSec, {
      samplePeaks: one.epochPeaks,
      loss: one.loss.at(-1)!, lossScratchnet: one.loss.at(-1)!, lossHistory: one.loss, note: `${info.build} build, 1 thread; the first ${n} rows, ${smallRun.epochs} epochs`,
    }));
    row(measured({ ...smallBase, impl: `scratchnet, ${cores} threads`, work: work(cores) }, all.samplesPerSec, {
      samplePeaks: all.epochPeaks,
      loss: all.loss.at(-1)!, lossScratchnet: one.loss.at(-1)!, lossHistory: all.loss,
      note: `setThreads(${cores}); ${(median(all.samplesPerSec) / median(one.samplesPerSec)).toFixed(2)}x one thread; losses ${lossesVsOneThread(all.loss, one.loss)}`,
    }));
  }
  const rx = children.relaxed;
  if (rx?.w2) {
    row(measured({ ...base, impl: 'scratchnet relaxed-SIMD build', work: work(1, 'relaxed') }, rx.w2.samplesPerSec, {
      samplePeaks: rx.w2.epochPeaks,
      loss: rx.w2.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: rx.w2.loss, note: `1 thread; ${relaxedChild()}`,
    }));
    if (rx.w2Threads) {
      row(measured({ ...base, impl: `scratchnet relaxed-SIMD, ${rx.threads} threads`, work: work(rx.threads, 'relaxed') }, rx.w2Threads.samplesPerSec, {
        samplePeaks: rx.w2Threads.epochPeaks,
        loss: rx.w2Threads.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: rx.w2Threads.loss,
        note: `${relaxedChild()}, setThreads(${rx.threads})`,
      }));
    }
    if (rx.w2Pairs) {
      row(measured({ ...base, impl: `scratchnet relaxed-SIMD, ${rx.threads} threads ÷ 1 thread`, metric: '× (speed-up)', higherIsBetter: true }, rx.w2Pairs.ratios, {
        note: `${rx.w2Pairs.ratios.length} interleaved pairs in the ${relaxedChild()}, as above (${machineScaling(ctx, 'relaxed')}): ${pairsNote(rx.w2Pairs)}`,
      }));
    }
  } else row(skipped({ ...base, impl: 'scratchnet relaxed-SIMD build' }, children.relaxedReason || 'not run'));
  if (children.scalar?.w2) {
    row(measured({ ...base, impl: 'scratchnet scalar build', work: work() }, children.scalar.w2.samplesPerSec, {
      samplePeaks: children.scalar.w2.epochPeaks,
      loss: children.scalar.w2.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: children.scalar.w2.loss, note: 'init({ simd: false }), child process',
    }));
  } else row(skipped({ ...base, impl: 'scratchnet scalar build' }, children.scalarReason || 'not run'));

  // The plain-TS reference: too slow for whole epochs, so the first refBatches batches, timed per
  // batch (the first refWarmup untimed); its loss is checked against scratchnet trained on exactly
  // those batches.
  {
    const { refBatches, refWarmup, batch, lr } = ctx.cfg.w2;
    const nb = Math.min(refBatches, Math.floor(data.n / batch));
    log(`W2 plain-TS reference (${nb} batches) ...`);
    const net = new RefNet(params, ['relu', 'relu', 'softmax'], 'softmaxCrossEntropy', batch);
    const perBatch: number[] = [];
    let total = 0;
    for (let bi = 0; bi < nb; bi++) {
      const index = Int32Array.from({ length: batch }, (_, i) => bi * batch + i);
      const t = now();
      net.gather(data.x, data.y, index, batch);
      total += net.step(batch, lr) * batch;
      const ms = now() - t;
      if (bi >= refWarmup) perBatch.push(batch / (ms / 1000));
    }
    const sub = nb * batch;
    const check = newMlp(params);
    const checkLoss = check.train(
      new Matrix(sub, data.inputSize, data.x.subarray(0, sub * data.inputSize)),
      new Matrix(sub, data.classes, data.y.subarray(0, sub * data.classes)),
      { epochs: 1, batchSize: batch, learningRate: lr, loss: 'softmaxCrossEntropy', shuffle: false },
    ).loss[0]!;
    check.dispose();
    row(measured({ ...base, impl: 'plain TS reference', work: work() }, perBatch, {
      loss: total / sub, lossScratchnet: checkLoss,
      note: `first ${nb} batches only (${refWarmup} warm-up), per-batch rate; loss = mean over those batches, vs scratchnet on the same ${sub} samples`,
    }));
  }

  for (const { backend, impl } of tfBackends(ctx, (impl, why) => row(skipped({ ...base, impl }, why)))) {
    log(`W2 ${impl} ...`);
    try {
      const r = await tfjsMlp(ctx.tf.handle!, backend, params, data, { epochs: run.epochs, batchSize: run.batch, lr: run.lr, optimizer: 'sgd', shuffle: false });
      row(measured({ ...base, impl, work: work(backend === 'wasm' ? tfThreads(ctx) : 1) }, r.samplesPerSec, {
        loss: r.epochLoss.at(-1)!, lossScratchnet: snFinal, lossHistory: r.epochLoss,
        note: `model.fit(shuffle: false), categoricalCrossentropy on softmax, same starting weights (setWeights)` +
          `${backend === 'wasm' ? `; ${wasmNote(ctx)}` : ''}${r.leakedTensors ? `; ${r.leakedTensors} tensors leaked` : ''}`,
      }));
    } catch (e) {
      row(skipped({ ...base, impl }, `failed: ${errText(e)}`));
    }
  }

  const variants = [
    ['f32', 'float32 loop', 'hand-written float32 loop, same products and order as scratchnet'],
    ['chapter_f64', "chapter's classes f64", "the chapter's Layer/NeuralNetwork (float64; also computes the unused 784-wide dX) + Linear output, softmax CE on logits"],
  ] as const;
  for (const [which, o, fallback] of [['one', numpy.one, 1], ['all', numpy.all, cores]] as const) {
    for (const [key, what, note] of variants) {
      const impl = npLabel(what, o, fallback);
      const r = o?.w2?.[key];
      if (r) {
        row(measured({ ...base, impl, work: work(npThreads(o, fallback)) }, r.samples_per_sec, { loss: r.epoch_loss.at(-1)!, lossScratchnet: snFinal, lossHistory: r.epoch_loss, note }));
      } else if (which === 'one' || cores > 1) {
        row(skipped({ ...base, impl }, numpy.reason ?? (which === 'one' ? numpy.oneErr : numpy.allErr) ?? 'not run'));
      }
    }
  }
}
