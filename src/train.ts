/**
 * The training loop, apart from the math: it only sequences kernels that the layers and losses
 * own (forward, loss, gradient, backward, update) over full or mini-batches.
 *
 * @module
 */
import { Linear, Softmax } from './activations.js';
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
  const rng = new RandomState(options.seed ?? 0);

  const be = net._be;
  const k = be.kernels;
  const inSize = net.inputSize, outSize = net.outputSize;
  net.ensureWorkspace(batch, op);
  const fullBatch = batch === n;
  const first = net.layers[0]!;
  let data: ReturnType<typeof be.alloc> | null = null;
  let dataX = 0, dataY = 0, index = 0;
  const order = fullBatch ? null : Int32Array.from({ length: n }, (_, i) => i);
  if (fullBatch) {
    be.write(first._xOwn, X.data);
    be.write(net._target, Y.data);
  } else {
    data = be.alloc((Math.ceil((n * inSize) / 4) * 4 + Math.ceil((n * outSize) / 4) * 4 + n) * 4, `${op}: the data set`);
    dataX = data.ptr;
    dataY = dataX + Math.ceil((n * inSize) / 4) * 16;
    index = dataY + Math.ceil((n * outSize) / 4) * 16;
    be.write(dataX, X.data);
    be.write(dataY, Y.data);
  }

  const losses: number[] = [];
  let stopped = false;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (order) {
        if (shuffle) rng.shuffle(order);
        be.writeI32(index, order);
      }
      let total = 0;
      for (let start = 0; start < n; start += batch) {
        const rows = Math.min(batch, n - start);
        if (order) {
          k.gatherRows(first._xOwn, dataX, index + start * 4, rows, inSize);
          k.gatherRows(net._target, dataY, index + start * 4, rows, outSize);
        }
        net._forwardRows(rows);
        const pred = fused ? last._z : last._y;
        loss._value(be, net._lossSlot, pred, net._target, rows, outSize);
        const value = be.readF64(net._lossSlot);
        if (!Number.isFinite(value)) {
          throw new TrainingDivergedError(
            `${op}: the loss became ${value} at epoch ${epoch} (rows ${start}..${start + rows - 1}); training stopped ` +
              `and the weights are those of the last finite step. Try a smaller learningRate.`,
            epoch,
            losses,
          );
        }
        total += value * rows;
        loss._grad(be, last._g, pred, net._target, rows, outSize);
        net._backwardRows(lr, fused);
      }
      const epochLoss = total / n;
      losses.push(epochLoss);
      if (logEvery && epoch % logEvery === 0) console.log(`Epoch ${epoch}, Loss: ${epochLoss.toFixed(4)}`);
      if (onEpoch && onEpoch(epoch, epochLoss) === false) {
        stopped = true;
        break;
      }
    }
  } finally {
    if (data) be.release(data);
  }
  return { loss: losses, epochs: losses.length, stopped };
}
