/**
 * W1, the chapter's XOR: [2, 4, 1] ReLU/Sigmoid, BCE, full batch, SGD lr 0.1, 10,000 epochs →
 * µs/epoch, against the plain-TS reference, a hand-written plain-JS Float32Array loop of the same
 * math, tfjs (wasm, cpu), brain.js and the chapter's NumPy code.
 *
 * @module
 */
import { setThreads } from '../../src/index.js';
import { brainXor, loadBrain } from './lib/brain.js';
import { mlpTrainFlops, newW1Net, snapshot, W1_SIZES, type LayerParams } from './lib/data.js';
import { plainJsXor } from './lib/plainjs.js';
import { RefNet } from './lib/reference.js';
import { measured, skipped, type BenchResult } from './lib/results.js';
import { tfjsXor } from './lib/tfjs.js';
import { now, sampleRuns } from './lib/timing.js';
import { errText, log, relaxedChild, tfBackends, tfThreads, wasmNote, type Ctx } from './context.js';
import { scratchnetXor } from './scratchnet.js';

const every1000 = (loss: readonly number[]) => loss.filter((_, e) => e % 1000 === 0);

/** The W1 starting weights (the chapter's seed-42 network). */
export function w1Params(): LayerParams[] {
  const net = newW1Net();
  const p = snapshot(net);
  net.dispose();
  return p;
}

/** Run W1 and append its rows to ctx.results. */
export async function runW1(ctx: Ctx): Promise<void> {
  const { epochs, lr, reps, warmupMs, tfEpochs } = ctx.cfg.w1;
  const { results, children, cores, info } = ctx;
  const params = w1Params();
  const flops = 4 * mlpTrainFlops(W1_SIZES);
  const work = (threads = 1, peak: 'simd' | 'relaxed' = 'simd') => ({ flops, threads, peak });
  const base = { workload: 'W1' as const, case: 'xor [2,4,1] 10k epochs', metric: 'µs/epoch', higherIsBetter: false };
  const row = (r: BenchResult) => results.push(r);
  log('W1 scratchnet ...');
  const sn = scratchnetXor(epochs, lr, reps, warmupMs);
  const snLoss = sn.loss;
  const snFinal = snLoss.at(-1)!;
  row(measured({ ...base, impl: 'scratchnet', baseline: true, work: work() }, sn.us, {
    loss: snFinal, lossScratchnet: snFinal, lossHistory: every1000(snLoss), note: `${info.build} build; net.train(), ${reps} runs of ${epochs} epochs`,
  }));

  if (cores > 1) {
    await setThreads(cores);
    const t = scratchnetXor(epochs, lr, reps, warmupMs);
    await setThreads(1);
    row(measured({ ...base, impl: `scratchnet, ${cores} threads`, work: work() }, t.us, {
      loss: t.loss.at(-1)!, lossScratchnet: snFinal, note: `setThreads(${cores}): XOR stays below the threading threshold (1 thread does the work), so it must not get slower`,
    }));
  }
  if (children.relaxed?.w1) {
    row(measured({ ...base, impl: 'scratchnet relaxed-SIMD build', work: work(1, 'relaxed') }, children.relaxed.w1.us, {
      loss: children.relaxed.w1.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: every1000(children.relaxed.w1.loss), note: relaxedChild(),
    }));
  } else row(skipped({ ...base, impl: 'scratchnet relaxed-SIMD build' }, children.relaxedReason || 'not run'));
  if (children.scalar?.w1) {
    row(measured({ ...base, impl: 'scratchnet scalar build', work: work() }, children.scalar.w1.us, {
      loss: children.scalar.w1.loss.at(-1)!, lossScratchnet: snFinal, lossHistory: every1000(children.scalar.w1.loss), note: 'init({ simd: false }), child process',
    }));
  } else row(skipped({ ...base, impl: 'scratchnet scalar build' }, children.scalarReason || 'not run'));

  log('W1 plain-JS Float32Array loop ...');
  {
    let last: number[] = [];
    const ms = sampleRuns(() => {
      const t = now();
      last = plainJsXor(params, epochs, lr);
      return now() - t;
    }, reps, warmupMs);
    row(measured({ ...base, impl: 'plain JS Float32Array loop', work: work() }, ms.map((m) => (m / epochs) * 1000), {
      loss: last.at(-1)!, lossScratchnet: snFinal, lossHistory: every1000(last),
      note: 'hand-written loops over Float32Arrays (scripts/bench/lib/plainjs.ts): the same math, float32 storage, no allocation per epoch',
    }));
    // The two alternated run by run: a VM that switches between speeds over seconds can give the
    // two blocks of runs above different ones (0.34 against 0.38 µs in one run, 0.60 against 0.42
    // in the next, on the same code).
    log('W1 scratchnet and the plain-JS loop in interleaved pairs ...');
    const ratios: number[] = [];
    for (let p = 0; p < Math.max(reps, 5); p++) {
      const snUs = scratchnetXor(epochs, lr, 1, 0).us[0]!;
      const jsMs = sampleRuns(() => {
        const t = now();
        plainJsXor(params, epochs, lr);
        return now() - t;
      }, 1, 0)[0]!;
      ratios.push((jsMs / epochs) * 1000 / snUs);
    }
    row(measured({ ...base, impl: 'scratchnet vs plain JS loop, interleaved pairs', metric: '× (speed-up)', higherIsBetter: true }, ratios, {
      note: `the plain-JS loop's time ÷ scratchnet's, ${ratios.length} pairs (a run of each, after one warm-up run of each): > 1 means scratchnet is faster; ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
    }));
  }

  log('W1 plain-TS reference ...');
  {
    const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), y = new Float32Array([0, 1, 1, 0]);
    let last = Number.NaN;
    const history: number[] = [];
    const run = () => {
      const net = new RefNet(params, ['relu', 'sigmoid'], 'binaryCrossEntropy', 4);
      net.set(x, y);
      history.length = 0;
      const t = now();
      for (let e = 0; e < epochs; e++) {
        last = net.step(4, lr);
        if (e % 1000 === 0) history.push(last);
      }
      return now() - t;
    };
    const ms = sampleRuns(run, reps, warmupMs);
    row(measured({ ...base, impl: 'plain TS reference', work: work() }, ms.map((m) => (m / epochs) * 1000), {
      loss: last, lossScratchnet: snFinal, lossHistory: [...history], note: 'src/reference kernels in the same loop (float64 inside kernels)',
    }));
  }

  for (const { backend, impl } of tfBackends(ctx, (impl, why) => row(skipped({ ...base, impl }, why)))) {
    log(`W1 ${impl} (${tfEpochs} epochs) ...`);
    try {
      const chunk = Math.ceil(tfEpochs / (reps + 1));
      const r = await tfjsXor(ctx.tf.handle!, backend, params, tfEpochs, chunk, lr);
      const note = `optimizer.minimize() per epoch, timed in chunks of ${chunk} epochs after a ${chunk}-epoch warm-up` +
        `${tfEpochs < epochs ? `; ran ${tfEpochs} epochs (loss compared at that epoch)` : ''}` +
        `${backend === 'wasm' ? `; ${wasmNote(ctx)}` : ''}${r.leakedTensors ? `; ${r.leakedTensors} tensors leaked` : ''}`;
      row(measured({ ...base, impl, work: work(backend === 'wasm' ? tfThreads(ctx) : 1) }, r.usPerEpoch, { loss: r.loss, lossScratchnet: snLoss[tfEpochs - 1], note }));
    } catch (e) {
      row(skipped({ ...base, impl }, `failed: ${errText(e)}`));
    }
  }

  {
    const impl = 'brain.js';
    try {
      const { brain, version } = await loadBrain();
      ctx.machine.brainjs = version;
      log('W1 brain.js ...');
      let last: ReturnType<typeof brainXor> | null = null;
      const ms = sampleRuns(() => (last = brainXor(brain, params, epochs, lr)).ms, reps, warmupMs);
      const r = last as ReturnType<typeof brainXor> | null;
      row(measured({ ...base, impl }, ms.map((m) => (m / epochs) * 1000), {
        loss: r?.bce, lossScratchnet: snFinal,
        note: `v${version}; NOT the same model: sigmoid hidden layer (one activation for all layers), online SGD ` +
          `(4 steps/epoch) with momentum 0.1, squared-error deltas; same seed-42 starting weights; ` +
          `loss = chapter BCE of its final predictions (its own MSE ${r ? r.error.toExponential(2) : '?'}, ${r?.iterations} iterations)`,
      }));
    } catch (e) {
      row(skipped({ ...base, impl }, `brain.js did not load or run: ${errText(e)}`));
    }
  }

  const impl = 'numpy, chapter code f64 (1 thread)';
  const np = ctx.numpy;
  if (np.one?.w1) {
    row(measured({ ...base, impl, work: work() }, np.one.w1.us_per_epoch, {
      loss: np.one.w1.loss, lossScratchnet: snFinal, lossHistory: np.one.w1.log,
      note: `the chapter's classes and loop verbatim; NumPy ${np.one.numpy}, python ${np.one.python}; BLAS irrelevant at 4x4`,
    }));
  } else row(skipped({ ...base, impl }, np.reason ?? np.oneErr ?? 'not run'));
}
