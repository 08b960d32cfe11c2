/**
 * The training loop, apart from the math: it only sequences kernels that the layers and losses
 * own (forward, loss, gradient, backward, update) over full or mini-batches.
 *
 * @module
 */
import { KernelActivation, Linear, Softmax } from './activations.js';
import type { Block } from './backend/wasm.js';
import { align4 } from './layer.js';
import { describe, toMatrix, type MatrixLike } from './matrix.js';
import { BinaryCrossEntropy, Loss, MeanSquaredError, SoftmaxCrossEntropy, resolveLoss, type LossName } from './losses.js';
import type { NeuralNetwork } from './network.js';
import { checkLearningRate } from './network.js';
import { RandomState } from './random.js';
import { Sigmoid } from './activations.js';

/** Options of `NeuralNetwork.train`. */
export interface TrainOptions {
  /** Passes over the data (default 1000). */
  epochs?: number;
  /** SGD step size (default 0.01, the chapter's default for `backward`). */
  learningRate?: number;
  /**
   * Loss name or instance. Default: `binaryCrossEntropy` after a Sigmoid output,
   * `softmaxCrossEntropy` after Softmax, else `meanSquaredError`.
   */
  loss?: LossName | Loss;
  /** Rows per step (default: all rows, full batch, as the chapter). */
  batchSize?: number;
  /** Shuffle rows every epoch when batching (default true; seeded by `seed`). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  /** Print `Epoch N, Loss: x.xxxx` every `logEvery` epochs, as the chapter's loop does. */
  logEvery?: number;
  /** Called after every epoch with its loss; return `false` to stop training. */
  onEpoch?: (epoch: number, loss: number) => void | boolean;
}

/** What `train()` returns. */
export interface TrainResult {
  /** The loss of each epoch's forward passes, before their updates (mean over rows). */
  loss: number[];
  /** Epochs completed. */
  epochs: number;
  /** True when `onEpoch` stopped training early. */
  stopped: boolean;
}

/** Thrown when the loss stops being finite; the weights are those of the last finite step. */
export class TrainingDivergedError extends Error {
  /** The epoch (0-based) whose loss was not finite. */
  readonly epoch: number;
  /** The losses of the epochs completed before it. */
  readonly loss: number[];
  constructor(message: string, epoch: number, loss: number[]) {
    super(message);
    this.name = 'TrainingDivergedError';
    this.epoch = epoch;
    this.loss = loss;
  }
}

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  }
  return v;
}

function defaultLoss(net: NeuralNetwork): Loss {
  const act = net.layers[net.layers.length - 1]!.activation;
  if (act instanceof Sigmoid) return new BinaryCrossEntropy();
  if (act instanceof Softmax) return new SoftmaxCrossEntropy();
  return new MeanSquaredError();
}

/** @internal The body of `NeuralNetwork.train`. */
export function trainNetwork(net: NeuralNetwork, x: MatrixLike, y: MatrixLike, options: TrainOptions): TrainResult {
  const op = 'NeuralNetwork.train';
  net.checkLive(op);
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object`);
  const X = net.checkInput(x, op);
  const Y = toMatrix(y, op, 'y');
  if (Y.rows !== X.rows) throw new Error(`${op}: x has ${X.rows} rows but y has ${Y.rows}`);
  if (Y.cols !== net.outputSize) throw new Error(`${op}: y has ${Y.cols} columns, network outputs ${net.outputSize}`);
  const epochs = positiveInt(op, 'epochs', options.epochs ?? 1000);
  const lr = options.learningRate ?? 0.01;
  checkLearningRate(op, lr);
  const n = X.rows;
  const batch = Math.min(positiveInt(op, 'batchSize', options.batchSize ?? n), n);
  const logEvery = options.logEvery === undefined ? 0 : positiveInt(op, 'logEvery', options.logEvery);
  const onEpoch = options.onEpoch;
  if (onEpoch !== undefined && typeof onEpoch !== 'function') throw new Error(`${op}: onEpoch must be a function`);
  const loss = options.loss === undefined ? defaultLoss(net) : resolveLoss(options.loss, op);
  loss.checkTargets(Y, op);
  const last = net.layers[net.layers.length - 1]!;
  const fused = loss.fromLogits;
  if (fused && !(last.activation instanceof Softmax || last.activation instanceof Linear)) {
    throw new Error(
      `${op}: the ${loss.name} loss takes logits and needs a Softmax (or Linear) output layer, ` +
        `the last layer has ${last.activation.name}`,
    );
  }
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new Error(`${op}: shuffle must be true or false, got ${describe(shuffle)}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`${op}: seed must be an integer in [0, 2^32 - 1], got ${describe(seed)}`);
  }
  const rng = new RandomState(seed);

  const be = net._be;
  net.ensureWorkspace(batch, op);
  const data = new TrainingData(net, X.data, Y.data, batch, op);
  // The weights that produced the last finite loss, restored if training diverges.
  let backup: Block | null = null;
  try {
    backup = be.alloc(net._params.bytes, `${op}: a backup of the weights`);
  } catch (e) {
    data.release();
    throw e;
  }
  let runner: KernelEpochs | null = null;
  try {
    if (canRunInKernels(net, loss)) runner = new KernelEpochs(net, loss, lr, data, backup, epochs, onEpoch !== undefined, op);
  } catch (e) {
    data.release();
    be.release(backup);
    throw e;
  }
  const losses: number[] = [];
  let stopped = false;
  try {
    while (losses.length < epochs && !stopped) {
      const epoch = losses.length;
      // Shuffled mini-batches: a new order every epoch, so one epoch per call.
      if (data.order && shuffle) rng.shuffle(data.order);
      if (data.order && (shuffle || epoch === 0)) be.writeI32(data.index, data.order);
      const count = runner ? runner.chunk(epochs - epoch, shuffle) : 1;
      const result = runner ? runner.run(count) : stepEpoch(net, loss, lr, data, backup);
      const fresh = runner ? result : [result as number];
      for (let i = 0; i < (fresh as number[]).length && !stopped; i++) {
        const value = (fresh as number[])[i]!;
        const e = losses.length;
        if (!Number.isFinite(value)) {
          throw new TrainingDivergedError(
            `${op}: the loss became ${value} at epoch ${e}; training stopped and the weights are those of the ` +
              `last finite step. Try a smaller learningRate.`,
            e,
            losses,
          );
        }
        losses.push(value);
        if (logEvery && e % logEvery === 0) console.log(`Epoch ${e}, Loss: ${value.toFixed(4)}`);
        if (onEpoch && onEpoch(e, value) === false) stopped = true;
      }
    }
  } finally {
    runner?.release();
    data.release();
    be.release(backup);
  }
  return { loss: losses, epochs: losses.length, stopped };
}

/** The training set in linear memory: full batch in the first layer's buffer, or a copy to gather from. */
class TrainingData {
  readonly n: number;
  readonly batch: number;
  /** Row order for mini-batches (null: full batch, rows in place). */
  readonly order: Int32Array | null;
  readonly dataX: number = 0;
  readonly dataY: number = 0;
  readonly index: number = 0;
  private readonly block: Block | null = null;
  private readonly net: NeuralNetwork;

  constructor(net: NeuralNetwork, x: Float32Array, y: Float32Array, batch: number, op: string) {
    const be = net._be;
    this.net = net;
    this.n = x.length / net.inputSize;
    this.batch = batch;
    if (batch === this.n) {
      this.order = null;
      be.write(net.layers[0]!._xOwn, x);
      be.write(net._target, y);
      return;
    }
    this.order = Int32Array.from({ length: this.n }, (_, i) => i);
    const xN = align4(x.length), yN = align4(y.length);
    this.block = be.alloc((xN + yN + align4(this.n)) * 4, `${op}: the data set`);
    this.dataX = this.block.ptr;
    this.dataY = this.dataX + xN * 4;
    this.index = this.dataY + yN * 4;
    be.write(this.dataX, x);
    be.write(this.dataY, y);
  }

  release(): void {
    if (this.block) this.net._be.release(this.block);
  }
}

/** One epoch step by step from TypeScript (custom activations or losses): returns its loss. */
function stepEpoch(net: NeuralNetwork, loss: Loss, lr: number, data: TrainingData, backup: Block): number {
  const be = net._be, k = be.kernels;
  const first = net.layers[0]!, last = net.layers[net.layers.length - 1]!;
  const fused = loss.fromLogits;
  let total = 0;
  for (let start = 0; start < data.n; start += data.batch) {
    const rows = Math.min(data.batch, data.n - start);
    if (data.order) {
      k.gatherRows(first._xOwn, data.dataX, data.index + start * 4, rows, net.inputSize);
      k.gatherRows(net._target, data.dataY, data.index + start * 4, rows, net.outputSize);
    }
    net._forwardRows(rows);
    const pred = fused ? last._z : last._y;
    loss._value(be, net._lossSlot, pred, net._target, rows, net.outputSize);
    const value = be.readF64(net._lossSlot);
    const params = net._params, floats = params.bytes / 4;
    if (!Number.isFinite(value)) {
      be.copy(params.ptr, backup.ptr, floats); // back to the weights of the last finite loss
      return value;
    }
    total += value * rows;
    be.copy(backup.ptr, params.ptr, floats);
    loss._grad(be, last._g, pred, net._target, rows, net.outputSize);
    net._backwardRows(lr, fused);
  }
  return total / data.n;
}

function canRunInKernels(net: NeuralNetwork, loss: Loss): boolean {
  return loss._kind !== undefined && net.layers.every((l) => l.activation instanceof KernelActivation);
}

const PLAN_HEADER = 32, PLAN_LAYER = 16, MAX_CHUNK = 1024;

/**
 * Whole epochs in one kernel call (assembly/network.ts `trainEpochs`): the plan is a table of
 * the layers' pointers, written once per `train()`; the kernel runs the same kernels in the same
 * order as `stepEpoch`, so results are bit-identical.
 */
class KernelEpochs {
  private readonly block: Block;
  private readonly plan: number;
  private readonly lossOut: number;
  private readonly done: number;
  private readonly maxChunk: number;

  constructor(
    private readonly net: NeuralNetwork, loss: Loss, lr: number, private readonly data: TrainingData,
    backup: Block, epochs: number, perEpoch: boolean, op: string,
  ) {
    const be = net._be, layers = net.layers;
    this.maxChunk = perEpoch ? 1 : Math.min(epochs, MAX_CHUNK);
    const words = PLAN_HEADER + PLAN_LAYER * layers.length;
    this.block = be.alloc(words * 4 + this.maxChunk * 8 + 16, `${op}: the training plan`);
    this.plan = this.block.ptr;
    this.lossOut = this.plan + words * 4; // a multiple of 64 bytes past the plan: f64-aligned
    this.done = this.lossOut + this.maxChunk * 8;
    const buf = new ArrayBuffer(words * 4), w = new Int32Array(buf), f = new Float32Array(buf);
    w.set([layers.length, loss._kind!, 0, data.n, data.batch, data.dataX, data.dataY, data.index,
      layers[0]!._xOwn, net._target, this.lossOut, net._lossSlot, net.inputSize, net.outputSize, 0,
      net._params.ptr, backup.ptr, net._params.bytes]);
    f[2] = lr;
    layers.forEach((l, i) => {
      const o = PLAN_HEADER + PLAN_LAYER * i;
      const act = l.activation as KernelActivation;
      w.set([l.inputSize, l.outputSize, i ? layers[i - 1]!._y : l._xOwn, l._w, l._b, l._dw, l._db, l._z, l._y, l._g,
        i ? layers[i - 1]!._g : 0, act._kernelId], o);
      f[o + 12] = act.alpha;
    });
    be.writeI32(this.plan, w);
  }

  /** Epochs to run in the next call. */
  chunk(remaining: number, shuffle: boolean): number {
    return this.data.order && shuffle ? 1 : Math.min(remaining, this.maxChunk);
  }

  /** Run `count` epochs; returns their losses (a non-finite last one when training diverged). */
  run(count: number): number[] {
    const be = this.net._be;
    be.kernels.trainEpochs(this.plan, count, this.done);
    const done = be.readI32(this.done);
    const out: number[] = [];
    for (let i = 0; i < Math.min(count, done + 1); i++) out.push(be.readF64(this.lossOut + i * 8));
    // Leave the layers' caches as after the last forward pass, as the step-by-step path does.
    const layers = this.net.layers;
    const lastRows = this.data.n - Math.floor((this.data.n - 1) / this.data.batch) * this.data.batch;
    layers.forEach((l, i) => {
      l._x = i ? layers[i - 1]!._y : l._xOwn;
      l._rows = lastRows;
    });
    return out;
  }

  release(): void {
    this.net._be.release(this.block);
  }
}
