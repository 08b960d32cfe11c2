/**
 * scratchnet's own runs (the main process and the other-build children run the same code):
 * W1 with `net.train` on the chapter's XOR, W2/W4 with `net.train` on mini-batches, timed per
 * epoch with `onEpoch` stamps (epoch 0 is the warm-up).
 *
 * @module
 */
import { Matrix, setThreads } from '../../src/index.js';
import { backend } from '../../src/backend/load.js';
import { newMlp, newW1Net, XOR_X, XOR_Y, type Hidden, type LayerParams, type W2Data } from './lib/data.js';
import { QuickPeak } from './limit.js';
import { now, sampleRuns, withWallClock } from './lib/timing.js';

/** W1 with `net.train`: µs/epoch of each timed run, and the loss history of the last run. */
export function scratchnetXor(epochs: number, lr: number, reps: number, warmupMs: number): { us: number[]; loss: number[] } {
  let loss: number[] = [];
  const run = () => {
    const net = newW1Net();
    const t = now();
    const r = net.train(XOR_X, XOR_Y, { epochs, learningRate: lr, loss: 'binaryCrossEntropy' });
    const ms = now() - t;
    net.dispose();
    loss = r.loss;
    return ms;
  };
  const ms = sampleRuns(run, reps, warmupMs);
  return { us: ms.map((m) => (m / epochs) * 1000), loss };
}

/** How an MLP run trains. */
export interface MlpRun {
  epochs: number;
  batch: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  shuffle: boolean;
  seed: number;
}

/** The net.train() options of a run (without callbacks). */
export const mlpTrainOptions = (run: MlpRun) => ({
  epochs: run.epochs, batchSize: run.batch, learningRate: run.lr, optimizer: run.optimizer,
  loss: 'softmaxCrossEntropy' as const, shuffle: run.shuffle, seed: run.seed,
});

/** samples/s of each timed epoch (all but the first), every epoch's loss, and the limit around each timed epoch. */
export interface MlpTiming {
  samplesPerSec: number[];
  loss: number[];
  /**
   * Per timed epoch: the mean of two quick samples of this build's peak (GFLOP/s per thread),
   * taken on the same module just before and just after that epoch, outside its time; null when
   * the build has no SIMD peak (scalar). The machine's speed can change between workloads (this
   * VM runs at two speeds), so each epoch is held against the limit of its own moment.
   */
  epochPeaks: number[] | null;
  /**
   * On several threads: chunks of work a step that a thread took over from another's share (work
   * stealing, assembly/threads.ts), over the whole call. Near 0 when the cores keep pace; several a
   * step when one runs slower (this VM's vCPUs at times differ by 12–45%) or comes late.
   */
  takenOverPerStep?: number;
}

/** An MLP from `params` (`hidden` activations, ReLU unless given) trained on `data` with `net.train`, timed per epoch. */
export function scratchnetMlp(data: W2Data, params: readonly LayerParams[], run: MlpRun, hidden: Hidden = 'relu'): MlpTiming {
  const net = newMlp(params, hidden);
  const X = new Matrix(data.n, data.inputSize, data.x);
  const Y = new Matrix(data.n, data.classes, data.y);
  const peak = QuickPeak.open(backend().flavor);
  const ends: number[] = [], resumes: number[] = [], peaks: number[] = [];
  try {
    if (peak) peaks.push(peak.sample());
    const start = now();
    const r = net.train(X, Y, {
      ...mlpTrainOptions(run),
      onEpoch: () => {
        ends.push(now());
        if (peak) peaks.push(peak.sample());
        resumes.push(now());
      },
    });
    const times = ends.map((end, i) => end - (i === 0 ? start : resumes[i - 1]!));
    return {
      samplesPerSec: times.slice(1).map((ms) => data.n / (ms / 1000)),
      loss: r.loss,
      epochPeaks: peak ? ends.slice(1).map((_, i) => (peaks[i + 1]! + peaks[i + 2]!) / 2) : null,
    };
  } finally {
    net.dispose();
  }
}

/** What a child process prints: its build's W1/W2/W4 runs, on one thread and (W2, W4) on every core. */
export interface ChildOutput {
  build: string;
  threads: number;
  w1?: { us: number[]; loss: number[] };
  w2?: MlpTiming;
  w2Threads?: MlpTiming;
  /** Every-core ÷ 1-thread speed-ups in interleaved pairs (pairedSpeedups). */
  w2Pairs?: PairedSpeedups;
  w4?: MlpTiming;
  w4Threads?: MlpTiming;
  w4Pairs?: PairedSpeedups;
}

/** scratchnetMlp on `threads` threads (setThreads, then back to 1), timed on the wall clock. */
export async function scratchnetMlpOnThreads(threads: number, data: W2Data, params: readonly LayerParams[], run: MlpRun): Promise<MlpTiming> {
  await setThreads(threads);
  try {
    const before = backend().stolenChunks;
    const t = await withWallClock(() => scratchnetMlp(data, params, run));
    const steps = run.epochs * Math.ceil(data.n / run.batch);
    return { ...t, takenOverPerStep: (backend().stolenChunks - before) / steps };
  } finally {
    await setThreads(1);
  }
}

/**
 * The speed-up of `threads` threads over one, from `pairs` interleaved pairs of short runs (a
 * warm-up epoch, then one timed epoch; one thread, then `threads`), so that both halves of a pair
 * see the same machine: a shared machine's load comes and goes over seconds, and two long runs
 * one after the other can each meet a different one. Returns each pair's ratio.
 */
export async function pairedSpeedups(threads: number, data: W2Data, params: readonly LayerParams[], run: MlpRun, pairs: number): Promise<PairedSpeedups> {
  const short = { ...run, epochs: 2 };
  const ratios: number[] = [], takenOver: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const one = scratchnetMlp(data, params, short).samplesPerSec[0]!;
    const all = await scratchnetMlpOnThreads(threads, data, params, short);
    ratios.push(all.samplesPerSec[0]! / one);
    takenOver.push(all.takenOverPerStep ?? 0);
  }
  return { ratios, takenOver };
}

/** pairedSpeedups' answer: each pair's speed-up, and the chunks a step taken over in its multi-thread half. */
export interface PairedSpeedups {
  ratios: number[];
  takenOver: number[];
}

/** A note's words on the chunks taken over a step (MlpTiming.takenOverPerStep), per run. */
export const takenOverNote = (perStep: readonly number[]): string =>
  `chunks a step one thread took over from another's share (work stealing: a slower or late core) ${perStep.map((c) => c.toFixed(1)).join(', ')}`;

/** A pairs row's note after its preamble: each pair's speed-up, `extra`, then the chunks taken over. */
export const pairsNote = (p: PairedSpeedups, extra = ''): string =>
  `${p.ratios.map((r) => r.toFixed(2)).join(', ')}${extra}; ${takenOverNote(p.takenOver)}`;

/** How a run's epoch losses compare with the 1-thread run's, for a row's note. */
export const lossesVsOneThread = (loss: readonly number[], one: readonly number[]): string =>
  loss.every((l, i) => l === one[i]) ? 'bit-identical to 1 thread' : 'DIFFER from 1 thread';
