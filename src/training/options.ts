/**
 * What `train()` accepts and returns, and the validation of its options: everything is checked
 * (and copied) before anything is allocated or changed. The loop itself is in ./train.ts.
 *
 * (Below: the training loop, apart from the math: it sequences kernels that the layers, losses and
 * optimizers own (forward, loss, gradient, backward, update) over full or mini-batches, and
 * handles what users of brain.js and tfjs expect around that: validation, early stopping, an
 * error threshold, learning-rate schedules, callbacks, time-sliced async training with an
 * AbortSignal, and divergence. When every activation and the loss are built in, whole epochs run
 * inside one kernel call (assembly/network.ts `trainEpochs`, bit-identical to stepping here).
 *
 * @module
 */
import { Sigmoid, Softmax } from '../nn/activations.js';
import { acceptsLogitsOf, BinaryCrossEntropy, checkTargets, Loss, MeanSquaredError, resolveLoss, SoftmaxCrossEntropy, type LossName } from '../nn/losses.js';
import { Matrix, plainMatrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { checkSize, describe, FLOAT32_MAX, userCode, readOptions } from '../core/validate.js';
import type { NeuralNetwork } from '../nn/network.js';
import { arenaOf } from '../nn/arena.js';
import { resolveOptimizer, type Optimizer, type OptimizerName } from '../nn/optimizers.js';
import { optimizerJSON as optimizerJSON_ } from '../nn/serialize.js';
import { RandomState } from '../core/random.js';
import { datasetMemory, isDataset, type Dataset, type DatasetMemory } from './dataset.js';

/**
 * A learning-rate schedule: a step decay, an exponential decay, or a function of the epoch.
 *
 * @example
 * ```ts
 * net.train(X, y, { learningRate: 0.1, schedule: { type: 'exponential', rate: 0.99 } });
 * ```
 */
export type LearningRateSchedule =
  | { type: 'step'; every: number; factor: number }
  | { type: 'exponential'; rate: number }
  | ((epoch: number, initialLearningRate: number) => number);

/**
 * What is known at the end of an epoch.
 *
 * @example
 * ```ts
 * net.train(X, y, { validationSplit: 0.2, onEpoch: (epoch, loss, logs: EpochLogs) => console.log(logs.valLoss) });
 * ```
 */
export interface EpochLogs {
  epoch: number;
  loss: number;
  learningRate: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

/**
 * Options of `NeuralNetwork.train` and `trainAsync`.
 *
 * @example
 * ```ts
 * const options: TrainOptions = { epochs: 100, learningRate: 0.01, optimizer: 'adam', batchSize: 32 };
 * net.train(X, y, options);
 * ```
 */
export interface TrainOptions {
  /** Passes over the data (default 1000). */
  epochs?: number;
  /** Step size (default 0.01, the chapter's default for `backward`). */
  learningRate?: number;
  /**
   * Loss name or instance. Default: `binaryCrossEntropy` after a Sigmoid output,
   * `softmaxCrossEntropy` after Softmax, else `meanSquaredError`.
   */
  loss?: LossName | Loss;
  /** `'sgd'` (default, the chapter's), `'momentum'`, `'nesterov'`, `'adam'`, `'rmsprop'`, or an Optimizer. */
  optimizer?: OptimizerName | Optimizer;
  /** Learning rate per epoch: `{ type: 'step', every, factor }`, `{ type: 'exponential', rate }` or `(epoch, lr0) => lr`. */
  schedule?: LearningRateSchedule;
  /** L1 penalty on weights (not biases): adds l1·sign(w) to their gradients. */
  l1?: number;
  /**
   * L2 penalty (weight decay) on weights (not biases): adds l2·w to their gradients, as PyTorch's
   * `weight_decay` (Keras' `l2(λ)` adds 2λ·w: its λ is half of this); with Adam it is coupled L2,
   * not AdamW's decoupled decay.
   */
  l2?: number;
  /** Rows per step (default: all rows, full batch, as the chapter). */
  batchSize?: number;
  /** Shuffle rows every epoch when batching (default true; seeded by `seed`). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  /** Held-out data evaluated after every epoch (valLoss, valAccuracy): `{ x, y }` or a {@link Dataset}. */
  validation?: { x: MatrixLike; y: MatrixLike } | Dataset;
  /** Or hold out this fraction of the rows, taken from the end as given (like Keras; from a Dataset, in place). */
  validationSplit?: number;
  /** Also report accuracy (on one output p ≥ 0.5 is class 1, as `accuracy()` and `scratchnet predict` label it; argmax on several). */
  metrics?: 'accuracy'[];
  /** Stop when the monitored loss (valLoss when there is validation data) has not improved for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
  /** Stop once the training loss falls below this (brain.js's `errorThresh`). */
  errorThreshold?: number;
  /** Print `Epoch N, Loss: x.xxxx` every `logEvery` epochs, as the chapter's loop does. */
  logEvery?: number;
  /** Called after every epoch; return `false` to stop training. */
  onEpoch?: (epoch: number, loss: number, logs: EpochLogs) => void | boolean;
  /**
   * Called after every mini-batch with its loss; return `false` to stop training after this batch.
   * The epoch it stops in counts (its updates are in the weights), as Keras records it: its loss is
   * the mean over the batches it ran, and its validation, early stopping and `onEpoch` run.
   */
  onBatch?: (batch: number, loss: number, epoch: number) => void | boolean;
}

/**
 * Options of `trainAsync`: those of `train`, an AbortSignal, and progress reports.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 100); // e.g. a Stop button
 * const { stopReason } = await net.trainAsync(X, y, { epochs: 1e6, signal: controller.signal, yieldEvery: 16 });
 * stopReason; // 'aborted'
 * ```
 */
export interface TrainAsyncOptions extends TrainOptions {
  /** Abort training; the promise then resolves with the epochs completed (stopReason 'aborted'). */
  signal?: AbortSignal;
  /** Milliseconds of training between yields to the event loop (default 16: one frame). */
  yieldEvery?: number;
  /** Called at every yield with the epochs done so far. */
  onProgress?: (progress: { epoch: number; epochs: number; loss: number }) => void;
}

/**
 * Why training ended.
 *
 * @example
 * ```ts
 * const { stopReason } = net.train(X, y, { errorThreshold: 0.01 }); // 'errorThreshold' or 'epochs'
 * ```
 */
export type StopReason = 'epochs' | 'callback' | 'errorThreshold' | 'earlyStopping' | 'aborted';

/**
 * What `train()` returns.
 *
 * @example
 * ```ts
 * const { loss, epochs, stopped } = net.train(X, y, { epochs: 100 }); loss.length === epochs;
 * ```
 */
export interface TrainResult {
  /**
   * The loss of each epoch's forward passes, before their updates (mean over rows), on the data
   * alone: an `l1`/`l2` penalty is not included (Keras' reported loss includes it).
   */
  loss: number[];
  /** Training accuracy per epoch (with `metrics: ['accuracy']`). */
  accuracy?: number[];
  /** Validation loss per epoch (with validation data). */
  valLoss?: number[];
  /** Validation accuracy per epoch (with validation data and `metrics: ['accuracy']`). */
  valAccuracy?: number[];
  /** The learning rate of each epoch. */
  learningRate: number[];
  /** Epochs completed. */
  epochs: number;
  /** True when training ended before `epochs`. */
  stopped: boolean;
  /** Why it ended. */
  stopReason: StopReason;
  /**
   * With early stopping: the epoch whose weights were kept (with `restoreBest`, the default, the
   * network ends with them however training ended, but for an abort, which keeps the last epoch's,
   * and `errorThreshold`, which keeps those that met it).
   */
  bestEpoch?: number;
}

/**
 * Thrown when the loss, or a layer's `x·W + b`, stops being finite; the weights are those of the
 * last finite forward pass, and the optimizer's state starts afresh (as after `resetOptimizer()`).
 *
 * @example
 * ```ts
 * try { net.train(X, y, { learningRate: 1e6 }); } catch (e) { if (e instanceof TrainingDivergedError) console.log(e.epoch, e.loss); }
 * ```
 */
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

/** Most epochs one call may run (its per-epoch history is kept in memory). */
export const MAX_EPOCHS = 10_000_000;

/** @internal */
export function positiveInt(op: string, name: string, v: unknown): number {
  checkSize(op, name, v);
  return v;
}

/** @internal */
export function nonNegative(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > FLOAT32_MAX) {
    throw new Error(`${op}: ${name} must be a finite number ≥ 0, got ${describe(v)}${typeof v === 'number' && v > FLOAT32_MAX ? ' (beyond float32)' : ''}`);
  }
  return v;
}

/** A finite number > 0 (a schedule's factor or rate: 0 would stop learning at once). */
function positive(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${op}: ${name} must be a finite number > 0, got ${describe(v)}`);
  return v;
}

function defaultLoss(net: NeuralNetwork): Loss {
  const act = net.layers[net.layers.length - 1]!.activation;
  if (act instanceof Sigmoid) return new BinaryCrossEntropy();
  if (act instanceof Softmax) return new SoftmaxCrossEntropy();
  return new MeanSquaredError();
}

function scheduleFn(op: string, s: unknown, lr0: number): (epoch: number) => number {
  if (s === undefined) return () => lr0;
  if (typeof s === 'function') {
    return (epoch) => {
      const lr: unknown = userCode(op, `schedule(${epoch})`, () => s(epoch, lr0));
      checkLearningRate(`${op}: schedule(${epoch})`, lr);
      return lr;
    };
  }
  const type = s !== null && typeof s === 'object' ? userCode(op, 'reading schedule.type', () => (s as { type?: unknown }).type) : undefined;
  // A built-in schedule's rate may decay towards 0 (a step of a long run is then a no-op); one
  // that grows beyond float32 stops the run before that epoch, as a function's would.
  const checked = (value: (epoch: number) => number) => (epoch: number) => {
    const lr = value(epoch);
    if (lr > FLOAT32_MAX) throw new Error(`${op}: schedule gives a learningRate of ${lr} at epoch ${epoch}, beyond float32`);
    return lr;
  };
  if (type === 'step') {
    const o = readOptions(`${op}: schedule`, s, ['type', 'every', 'factor']);
    const every = positiveInt(op, 'schedule.every', o.every);
    const factor = positive(op, 'schedule.factor', o.factor);
    return checked((epoch) => lr0 * factor ** Math.floor(epoch / every));
  }
  if (type === 'exponential') {
    const o = readOptions(`${op}: schedule`, s, ['type', 'rate']);
    const rate = positive(op, 'schedule.rate', o.rate);
    return checked((epoch) => lr0 * rate ** epoch);
  }
  throw new Error(`${op}: schedule must be { type: 'step', every, factor }, { type: 'exponential', rate } or a function, got ${describe(s)}`);
}

/**
 * Rows for training or validation: matrices to copy into linear memory, or a Dataset's rows that
 * are there already.
 *
 * @internal
 */
export type Source =
  | { X: Matrix; Y: Matrix; dataset: null; memory: null; rows: number; checked: boolean }
  | { X: null; Y: null; dataset: Dataset; memory: DatasetMemory; rows: number; checked: true };

/**
 * Everything `train()` was asked to do, validated before anything is allocated or changed.
 *
 * @internal
 */
export interface Plan {
  /**
   * The data: its first `trainRows` rows train, the other `data.rows - trainRows` (validationSplit)
   * validate. Matrices whose `checked` is false still need their finiteness check: see LARGE_INPUT.
   */
  data: Source;
  trainRows: number;
  /** Separate validation data (`validation`), or null. */
  val: Source | null;
  epochs: number;
  batch: number;
  loss: Loss;
  /** `loss.name` and `loss.fromLogits`, read once. */
  lossName: string;
  fromLogits: boolean;
  optimizer: Optimizer;
  /** What `optimizer.toJSON()` returned, read once (the training config saved with the network). */
  optimizerJSON: { name: string } & Record<string, unknown>;
  lr: (epoch: number) => number;
  /** Whether a schedule was given. */
  scheduled: boolean;
  l1: number;
  l2: number;
  shuffle: boolean;
  rng: RandomState;
  accuracy: boolean;
  early: { patience: number; minDelta: number; restoreBest: boolean } | null;
  errorThreshold: number;
  logEvery: number;
  onEpoch: TrainOptions['onEpoch'];
  onBatch: TrainOptions['onBatch'];
}

/**
 * A Matrix x of at least this many values has its finiteness checked in WASM after the copy in
 * (one SIMD pass, Trainer) rather than in JS before anything is allocated: rejecting such an x may
 * have grown WebAssembly memory (the copy is released); smaller inputs are checked up front.
 *
 * @internal
 */
export const LARGE_INPUT = 1 << 20;

/**
 * What `train()` trains on: a Dataset, or inputs and targets as matrices.
 *
 * @internal
 */
export type TrainData = Dataset | { x: MatrixLike; y: MatrixLike };

/**
 * Validate and copy `train()`'s arguments.
 *
 * @internal
 */
export function validate(net: NeuralNetwork, given: TrainData, givenOptions: TrainOptions, op: string, otherKeys: readonly string[] = []): Plan {
  const arena = arenaOf(net);
  // Every option is read once, here, before the data: a getter (or a custom optimizer's toJSON)
  // runs before the values it could change are checked, and cannot change its mind afterwards.
  const options = readTrainOptions(givenOptions, op, otherKeys);
  const epochs = positiveInt(op, 'epochs', options.epochs ?? 1000);
  if (epochs > MAX_EPOCHS) throw new Error(`${op}: epochs must be at most ${MAX_EPOCHS} per call, got ${epochs} (call train() again to go on)`);
  const lr0 = options.learningRate ?? 0.01;
  checkLearningRate(op, lr0);
  const lr = scheduleFn(op, options.schedule, lr0);
  const loss = options.loss === undefined ? defaultLoss(net) : resolveLoss(options.loss, op);
  const lossName = userCode(op, 'reading loss.name', () => loss.name);
  const optimizer = resolveOptimizer(options.optimizer ?? 'sgd', op);
  const optimizerJSON = optimizerJSON_(optimizer, op, 'optimizer');
  const l1 = nonNegative(op, 'l1', options.l1 ?? 0), l2 = nonNegative(op, 'l2', options.l2 ?? 0);
  const last = net.layers[net.layers.length - 1]!;
  const fromLogits = userCode(op, 'reading loss.fromLogits', () => loss.fromLogits);
  if (fromLogits && !acceptsLogitsOf(loss, last.activation)) {
    const wants = loss instanceof SoftmaxCrossEntropy ? 'a Softmax (or Linear)' : 'a Sigmoid (or Linear)';
    throw new Error(
      `${op}: the ${lossName} loss takes logits and needs ${wants} output layer, the last layer has ${last.activation.name}`,
    );
  }
  if (options.validation !== undefined && options.validationSplit !== undefined) {
    throw new Error(`${op}: give validation or validationSplit, not both`);
  }
  const shuffle = bool(op, 'shuffle', options.shuffle, true);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`${op}: seed must be an integer in [0, 2^32 - 1], got ${describe(seed)}`);
  }
  const metrics = options.metrics ?? [];
  if (!Array.isArray(metrics) || metrics.some((m) => m !== 'accuracy')) {
    throw new Error(`${op}: metrics must be an array of 'accuracy', got ${describe(metrics)}`);
  }
  let early: Plan['early'] = null;
  if (options.earlyStopping !== undefined) {
    const given = options.earlyStopping;
    if (given === null || typeof given !== 'object') throw new Error(`${op}: earlyStopping must be { patience, minDelta?, restoreBest? }`);
    const e = readOptions(`${op}: earlyStopping`, given, ['patience', 'minDelta', 'restoreBest']) as NonNullable<TrainOptions['earlyStopping']>;
    early = {
      patience: positiveInt(op, 'earlyStopping.patience', e.patience),
      minDelta: nonNegative(op, 'earlyStopping.minDelta', e.minDelta ?? 0),
      restoreBest: bool(op, 'earlyStopping.restoreBest', e.restoreBest, true),
    };
  }
  const errorThreshold = options.errorThreshold === undefined ? 0 : nonNegative(op, 'errorThreshold', options.errorThreshold);
  const logEvery = options.logEvery === undefined ? 0 : positiveInt(op, 'logEvery', options.logEvery);
  for (const name of ['onEpoch', 'onBatch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new Error(`${op}: ${name} must be a function`);
  }
  const batchSize = options.batchSize;
  if (batchSize !== undefined) positiveInt(op, 'batchSize', batchSize);
  const split = options.validationSplit;
  if (split !== undefined && (typeof split !== 'number' || !(split > 0 && split < 1))) {
    throw new Error(`${op}: validationSplit must be in (0, 1), got ${describe(split)}`);
  }

  // The data, checked last: from here to its copy into linear memory no user code runs.
  arena.checkLive(op);
  const data = isDataset(given) ? datasetSource(net, given, op, 'training') : matrixSource(net, given.x, given.y, op);
  let val: Source | null = null, nVal = 0;
  if (options.validation !== undefined) {
    const v = options.validation;
    if (isDataset(v)) val = datasetSource(net, v, op, 'validation');
    else {
      if (v === null || typeof v !== 'object') throw new Error(`${op}: validation must be { x, y } or a Dataset`);
      // x and y read once each, through userCode: a getter or Proxy that throws is a named Error
      const vx = userCode(op, 'reading validation.x', () => v.x), vy = userCode(op, 'reading validation.y', () => v.y);
      const valX = checkInput(net, vx, `${op}: validation`, 'x');
      const valY = toMatrix(vy, `${op}: validation`, 'y');
      if (valY.rows !== valX.rows || valY.cols !== net.outputSize) {
        throw new Error(`${op}: validation y is ${valY.rows}x${valY.cols}, expected ${valX.rows}x${net.outputSize}`);
      }
      val = { X: valX, Y: valY, dataset: null, memory: null, rows: valX.rows, checked: true };
    }
  } else if (split !== undefined) {
    nVal = data.rows - Math.floor(data.rows * (1 - split)); // Keras' count: the rows past floor(n·(1 − split))
    if (nVal < 1 || nVal >= data.rows) {
      throw new Error(`${op}: validationSplit ${split} of ${data.rows} rows leaves ${nVal} validation and ${data.rows - nVal} training rows`);
    }
  }
  // the rows that train, and those a validationSplit holds out (from the end, in place)
  const trainRows = data.rows - nVal;
  if (data.memory) datasetMemory(data.dataset, arena.be, op, 'training').checkTargets(loss, op, nVal);
  else {
    const { Y } = data, cols = Y.cols;
    checkTargets(loss, nVal ? new Matrix(trainRows, cols, Y.data.subarray(0, trainRows * cols)) : Y, op);
    if (nVal) checkTargets(loss, new Matrix(nVal, cols, Y.data.subarray(trainRows * cols)), `${op}: validation`);
  }
  if (val?.memory) datasetMemory(val.dataset, arena.be, op, 'validation').checkTargets(loss, `${op}: validation`);
  else if (val) checkTargets(loss, val.Y!, `${op}: validation`);
  const batch = Math.min(batchSize ?? trainRows, trainRows);
  return {
    data, trainRows, val, epochs, batch, loss, lossName, fromLogits, optimizer, optimizerJSON, lr, scheduled: options.schedule !== undefined,
    l1, l2, shuffle, rng: new RandomState(seed), accuracy: metrics.includes('accuracy'), early, errorThreshold, logEvery,
    onEpoch: options.onEpoch, onBatch: options.onBatch,
  };
}

/**
 * The options `train()` reads, each read once (a getter runs once; later reads see the copy).
 *
 * @internal
 */
export const OPTION_KEYS = [
  'epochs', 'learningRate', 'loss', 'optimizer', 'schedule', 'l1', 'l2', 'batchSize', 'shuffle', 'seed', 'validation',
  'validationSplit', 'metrics', 'earlyStopping', 'errorThreshold', 'logEvery', 'onEpoch', 'onBatch',
] as const satisfies readonly (keyof TrainOptions)[];

/**
 * trainAsync's own options, next to train()'s in the same object.
 *
 * @internal
 */
export const ASYNC_OPTION_KEYS = ['signal', 'yieldEvery', 'onProgress'] as const satisfies readonly (keyof TrainAsyncOptions)[];

/** train()'s options read once; `others`: keys another reader takes (trainAsync's own), refused otherwise. */
function readTrainOptions(options: unknown, op: string, others: readonly string[]): TrainOptions {
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  return readOptions(op, options, OPTION_KEYS, others) as TrainOptions;
}

/** Inputs and targets given as matrices, shapes checked against the network. */
function matrixSource(net: NeuralNetwork, x: MatrixLike, y: MatrixLike, op: string): Source {
  // A large Matrix is float32 already: its values are checked by one SIMD pass in WASM after the
  // copy in (Trainer), not by a per-element pass here (a data set may be 60,000 x 784).
  const plain = plainMatrix(x); // (a subclass goes through toMatrix, which reads its true shape)
  const checked = !(plain && plain.cols === net.inputSize && plain.data.length >= LARGE_INPUT);
  const X = checked ? checkInput(net, x, op, 'input') : plain!;
  const Y = toMatrix(y, op, 'y');
  if (Y.rows !== X.rows) throw new Error(`${op}: x has ${X.rows} rows but y has ${Y.rows}`);
  if (Y.cols !== net.outputSize) throw new Error(`${op}: y has ${Y.cols} columns, network outputs ${net.outputSize}`);
  return { X, Y, dataset: null, memory: null, rows: X.rows, checked };
}

/** A Dataset, checked to be alive, in the network's memory and of the network's shape. */
function datasetSource(net: NeuralNetwork, d: Dataset, op: string, role: string): Source {
  const m = datasetMemory(d, arenaOf(net).be, op, role);
  if (m.inputSize !== net.inputSize) throw new Error(`${op}: the ${role} Dataset's x has ${m.inputSize} columns, network expects ${net.inputSize}`);
  if (m.outputSize !== net.outputSize) throw new Error(`${op}: the ${role} Dataset's y has ${m.outputSize} columns, network outputs ${net.outputSize}`);
  return { X: null, Y: null, dataset: d, memory: m, rows: m.rows, checked: true };
}


function bool(op: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new Error(`${op}: ${name} must be true or false, got ${describe(v)}`);
  return v;
}

function checkInput(net: NeuralNetwork, x: MatrixLike, op: string, name: string): Matrix {
  const X = toMatrix(x, op, name);
  if (X.cols !== net.inputSize) throw new Error(`${op}: ${name} has ${X.cols} columns, network expects ${net.inputSize}`);
  return X;
}

/**
 * Throw unless the learning rate is a finite float32 number > 0.
 *
 * @internal
 */
export function checkLearningRate(op: string, lr: unknown): asserts lr is number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0 || lr > FLOAT32_MAX) {
    throw new Error(`${op}: learningRate must be a finite number > 0, got ${describe(lr)}${typeof lr === 'number' && lr > FLOAT32_MAX ? ' (beyond float32)' : ''}`);
  }
}
