/**
 * The training loop, apart from the math: it sequences kernels that the layers, losses and
 * optimizers own (forward, loss, gradient, backward, update) over full or mini-batches, and
 * handles what users of brain.js and tfjs expect around that: validation, early stopping, an
 * error threshold, learning-rate schedules, callbacks, time-sliced async training with an
 * AbortSignal, and divergence. When every activation and the loss are built in, whole epochs run
 * inside one kernel call (assembly/network.ts `trainEpochs`, bit-identical to stepping here).
 *
 * @module
 */
import { KernelActivation, Sigmoid, Softmax } from '../nn/activations.js';
import type { Block } from '../backend/heap.js';
import { align4, checkSize } from '../nn/layer.js';
import { BinaryCrossEntropy, Loss, MeanSquaredError, SoftmaxCrossEntropy, resolveLoss, type LossName } from '../nn/losses.js';
import { describe, Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import type { NeuralNetwork } from '../nn/network.js';
import { checkLearningRate } from '../nn/network.js';
import { resolveOptimizer, type Optimizer, type OptimizerName } from '../nn/optimizers.js';
import { RandomState } from '../core/random.js';
import { PlanField as F, PlanLayerField as LF } from '../backend/contract.js';
import { planBytes, PlanInMemory, PlanWriter } from './plan.js';

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
  /** L2 penalty (weight decay) on weights (not biases): adds l2·w to their gradients. */
  l2?: number;
  /** Rows per step (default: all rows, full batch, as the chapter). */
  batchSize?: number;
  /** Shuffle rows every epoch when batching (default true; seeded by `seed`). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  /** Held-out data evaluated after every epoch (valLoss, valAccuracy). */
  validation?: { x: MatrixLike; y: MatrixLike };
  /** Or hold out this fraction of the rows, taken from the end as given (like Keras). */
  validationSplit?: number;
  /** Also report accuracy (threshold 0.5 on one output, argmax on several). */
  metrics?: 'accuracy'[];
  /** Stop when the monitored loss (valLoss when there is validation data) has not improved for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
  /** Stop once the training loss falls below this (brain.js's `errorThresh`). */
  errorThreshold?: number;
  /** Print `Epoch N, Loss: x.xxxx` every `logEvery` epochs, as the chapter's loop does. */
  logEvery?: number;
  /** Called after every epoch; return `false` to stop training. */
  onEpoch?: (epoch: number, loss: number, logs: EpochLogs) => void | boolean;
  /** Called after every mini-batch with its loss; return `false` to stop training. */
  onBatch?: (batch: number, loss: number, epoch: number) => void | boolean;
}

/**
 * Options of `trainAsync`: those of `train`, an AbortSignal, and progress reports.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await net.trainAsync(X, y, { epochs: 1e6, signal: controller.signal, yieldEvery: 16 });
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
  /** The loss of each epoch's forward passes, before their updates (mean over rows). */
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
  /** With early stopping: the epoch whose weights were kept (or the best one seen). */
  bestEpoch?: number;
}

/**
 * Thrown when the loss stops being finite; the weights are those of the last finite loss.
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

function positiveInt(op: string, name: string, v: unknown): number {
  checkSize(op, name, v);
  return v;
}

function nonNegative(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${op}: ${name} must be a finite number ≥ 0, got ${describe(v)}`);
  }
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
      const lr: unknown = s(epoch, lr0);
      checkLearningRate(`${op}: schedule(${epoch})`, lr);
      return lr;
    };
  }
  const o = s as { type?: unknown; every?: unknown; factor?: unknown; rate?: unknown };
  if (o && o.type === 'step') {
    const every = positiveInt(op, 'schedule.every', o.every);
    const factor = nonNegative(op, 'schedule.factor', o.factor);
    return (epoch) => lr0 * factor ** Math.floor(epoch / every);
  }
  if (o && o.type === 'exponential') {
    const rate = nonNegative(op, 'schedule.rate', o.rate);
    return (epoch) => lr0 * rate ** epoch;
  }
  throw new Error(`${op}: schedule must be { type: 'step', every, factor }, { type: 'exponential', rate } or a function, got ${describe(s)}`);
}

/** Everything `train()` was asked to do, validated before anything is allocated or changed. */
interface Plan {
  X: Matrix;
  Y: Matrix;
  valX: Matrix | null;
  valY: Matrix | null;
  epochs: number;
  batch: number;
  loss: Loss;
  optimizer: Optimizer;
  lr: (epoch: number) => number;
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

function validate(net: NeuralNetwork, x: MatrixLike, y: MatrixLike, options: TrainOptions, op: string): Plan {
  net.checkLive(op);
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object`);
  let X = net.checkInput(x, op);
  let Y = toMatrix(y, op, 'y');
  if (Y.rows !== X.rows) throw new Error(`${op}: x has ${X.rows} rows but y has ${Y.rows}`);
  if (Y.cols !== net.outputSize) throw new Error(`${op}: y has ${Y.cols} columns, network outputs ${net.outputSize}`);
  const epochs = positiveInt(op, 'epochs', options.epochs ?? 1000);
  const lr0 = options.learningRate ?? 0.01;
  checkLearningRate(op, lr0);
  const lr = scheduleFn(op, options.schedule, lr0);
  const loss = options.loss === undefined ? defaultLoss(net) : resolveLoss(options.loss, op);
  const optimizer = resolveOptimizer(options.optimizer ?? 'sgd', op);
  const l1 = nonNegative(op, 'l1', options.l1 ?? 0), l2 = nonNegative(op, 'l2', options.l2 ?? 0);
  const last = net.layers[net.layers.length - 1]!;
  if (loss.fromLogits && !loss._acceptsLogitsOf(last.activation)) {
    const wants = loss instanceof SoftmaxCrossEntropy ? 'a Softmax (or Linear)' : 'a Sigmoid (or Linear)';
    throw new Error(
      `${op}: the ${loss.name} loss takes logits and needs ${wants} output layer, the last layer has ${last.activation.name}`,
    );
  }
  let valX: Matrix | null = null, valY: Matrix | null = null;
  if (options.validation !== undefined && options.validationSplit !== undefined) {
    throw new Error(`${op}: give validation or validationSplit, not both`);
  }
  if (options.validation !== undefined) {
    const v = options.validation;
    if (v === null || typeof v !== 'object') throw new Error(`${op}: validation must be { x, y }`);
    valX = net.checkInput(v.x, `${op}: validation`);
    valY = toMatrix(v.y, `${op}: validation`, 'y');
    if (valY.rows !== valX.rows || valY.cols !== net.outputSize) {
      throw new Error(`${op}: validation y is ${valY.rows}x${valY.cols}, expected ${valX.rows}x${net.outputSize}`);
    }
  } else if (options.validationSplit !== undefined) {
    const f = options.validationSplit;
    if (typeof f !== 'number' || !(f > 0 && f < 1)) throw new Error(`${op}: validationSplit must be in (0, 1), got ${describe(f)}`);
    const nVal = Math.round(X.rows * f);
    if (nVal < 1 || nVal >= X.rows) {
      throw new Error(`${op}: validationSplit ${f} of ${X.rows} rows leaves ${nVal} validation and ${X.rows - nVal} training rows`);
    }
    const nTrain = X.rows - nVal;
    valX = new Matrix(nVal, X.cols, X.data.slice(nTrain * X.cols));
    valY = new Matrix(nVal, Y.cols, Y.data.slice(nTrain * Y.cols));
    X = new Matrix(nTrain, X.cols, X.data.slice(0, nTrain * X.cols));
    Y = new Matrix(nTrain, Y.cols, Y.data.slice(0, nTrain * Y.cols));
  }
  loss.checkTargets(Y, op);
  if (valY) loss.checkTargets(valY, `${op}: validation`);
  const batch = Math.min(positiveInt(op, 'batchSize', options.batchSize ?? X.rows), X.rows);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new Error(`${op}: shuffle must be true or false, got ${describe(shuffle)}`);
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
    const e = options.earlyStopping;
    if (e === null || typeof e !== 'object') throw new Error(`${op}: earlyStopping must be { patience, minDelta?, restoreBest? }`);
    early = {
      patience: positiveInt(op, 'earlyStopping.patience', e.patience),
      minDelta: nonNegative(op, 'earlyStopping.minDelta', e.minDelta ?? 0),
      restoreBest: e.restoreBest ?? true,
    };
  }
  const errorThreshold = options.errorThreshold === undefined ? 0 : nonNegative(op, 'errorThreshold', options.errorThreshold);
  const logEvery = options.logEvery === undefined ? 0 : positiveInt(op, 'logEvery', options.logEvery);
  for (const name of ['onEpoch', 'onBatch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new Error(`${op}: ${name} must be a function`);
  }
  return {
    X, Y, valX, valY, epochs, batch, loss, optimizer, lr, l1, l2, shuffle, rng: new RandomState(seed),
    accuracy: metrics.includes('accuracy'), early, errorThreshold, logEvery, onEpoch: options.onEpoch, onBatch: options.onBatch,
  };
}

/** Rows of x and y in linear memory, contiguous. */
interface Rows {
  x: number;
  y: number;
  n: number;
}

const MAX_CHUNK = 1024;

/**
 * One training run: validated options, the memory it needs (the data set, a backup of the
 * weights, the kernel plan), and `runEpochs` to advance it. `train` runs it to the end;
 * `trainAsync` runs it in time slices.
 *
 * @internal
 */
export class Trainer {
  private readonly p: Plan;
  private readonly blocks: Block[] = [];
  private readonly train: Rows;
  private readonly val: Rows | null = null;
  private readonly order: Int32Array | null;
  private readonly index: number = 0;
  private readonly backup: Block;
  private readonly best: Block | null = null;
  private readonly kernelLoop: { plan: PlanInMemory; lossOut: number; accOut: number; done: number; maxChunk: number } | null = null;
  private readonly perEpoch: boolean;
  private readonly fused: boolean;
  private readonly threshold: number;
  private lastInput = 0;
  private lastRows = 0;
  private bestValue = Infinity;
  private wait = 0;
  readonly result: TrainResult;

  constructor(private readonly net: NeuralNetwork, x: MatrixLike, y: MatrixLike, options: TrainOptions, op: string) {
    const p = (this.p = validate(net, x, y, options, op));
    const be = net._be;
    this.fused = p.loss.fromLogits;
    this.threshold = this.fused ? 0 : 0.5;
    this.perEpoch = Boolean(
      options.schedule || p.valX || p.early || p.errorThreshold || p.onEpoch || (p.batch < p.X.rows && p.shuffle),
    );
    const n = p.X.rows;
    this.order = p.batch < n ? Int32Array.from({ length: n }, (_, i) => i) : null;
    this.result = { loss: [], learningRate: [], epochs: 0, stopped: false, stopReason: 'epochs' };
    if (p.accuracy) this.result.accuracy = [];
    if (p.valX) {
      this.result.valLoss = [];
      if (p.accuracy) this.result.valAccuracy = [];
    }
    try {
      net.ensureWorkspace(p.batch, op);
      this.train = this.upload(p.X, p.Y, op, 'the training set');
      if (this.order) {
        const b = this.alloc(align4(n) * 4, `${op}: the row order`);
        this.index = b.ptr;
        be.writeI32(this.index, this.order);
      }
      if (p.valX && p.valY) this.val = this.upload(p.valX, p.valY, op, 'the validation set');
      this.backup = this.alloc(net._params.bytes, `${op}: a backup of the weights`);
      if (p.early?.restoreBest) this.best = this.alloc(net._params.bytes, `${op}: the best weights`);
      net._optimizerState(p.optimizer, op);
      net.trainingConfig = { optimizer: p.optimizer.toJSON(), loss: p.loss.name };
      if (!p.onBatch && p.loss._kind !== undefined && net.layers.every((l) => l.activation instanceof KernelActivation)) {
        this.kernelLoop = this.writePlan(op);
      }
    } catch (e) {
      this.release();
      throw e;
    }
  }

  /** Whether training has ended. */
  get done(): boolean {
    return this.result.stopped || this.result.epochs >= this.p.epochs;
  }

  private alloc(bytes: number, what: string): Block {
    const b = this.net._be.alloc(bytes, what);
    this.blocks.push(b);
    return b;
  }

  private upload(x: Matrix, y: Matrix, op: string, what: string): Rows {
    const be = this.net._be;
    const xN = align4(x.data.length), yN = align4(y.data.length);
    const b = this.alloc((xN + yN) * 4, `${op}: ${what}`);
    be.write(b.ptr, x.data);
    be.write(b.ptr + xN * 4, y.data);
    return { x: b.ptr, y: b.ptr + xN * 4, n: x.rows };
  }

  /** The kernels' plan: a table of the layers' pointers and the run's settings (see ./plan.ts). */
  private writePlan(op: string) {
    const net = this.net, be = net._be, layers = net.layers, p = this.p;
    const maxChunk = this.perEpoch ? 1 : Math.min(p.epochs, MAX_CHUNK);
    const bytes = planBytes(layers.length);
    const acc = p.accuracy ? maxChunk * 8 : 0;
    const block = this.alloc(bytes + maxChunk * 8 + acc + 16, `${op}: the training plan`);
    const plan = block.ptr, lossOut = plan + bytes, accOut = p.accuracy ? lossOut + maxChunk * 8 : 0;
    const done = lossOut + maxChunk * 8 + acc;
    const state = net._opt!;
    const [h1, h2, eps, nesterov] = p.optimizer._params();
    const full = this.order === null;
    const first = layers[0]!;
    const w = new PlanWriter(layers.length)
      .int(F.Layers, layers.length).int(F.Loss, p.loss._kind!).real(F.LearningRate, p.lr(0))
      .int(F.Rows, this.train.n).int(F.BatchRows, p.batch)
      .int(F.DataX, full ? 0 : this.train.x).int(F.DataY, full ? 0 : this.train.y).int(F.Index, this.index)
      .int(F.Input, full ? this.train.x : first._xOwn).int(F.Target, full ? this.train.y : net._target)
      .int(F.LossOut, lossOut).int(F.LossSlot, net._lossSlot)
      .int(F.InputSize, net.inputSize).int(F.OutputSize, net.outputSize).int(F.FailedRow, 0)
      .int(F.Params, net._params.ptr).int(F.Backup, this.backup.ptr).int(F.ParamBytes, net._params.bytes)
      .int(F.Optimizer, p.optimizer._kind).real(F.Hyper1, h1).real(F.Hyper2, h2).real(F.Epsilon, eps)
      .int(F.StateA, state.a).int(F.StateB, state.b).int(F.Nesterov, nesterov)
      .real(F.L1, p.l1).real(F.L2, p.l2).int(F.AccuracyOut, accOut).real(F.AccuracyThreshold, this.threshold)
      .double(F.Pow1, state.pow1).double(F.Pow2, state.pow2);
    layers.forEach((l, i) => {
      const act = l.activation as KernelActivation;
      w.layerInt(i, LF.In, l.inputSize).layerInt(i, LF.Out, l.outputSize)
        .layerInt(i, LF.X, i ? layers[i - 1]!._y : full ? this.train.x : l._xOwn)
        .layerInt(i, LF.W, l._w).layerInt(i, LF.B, l._b).layerInt(i, LF.DW, l._dw).layerInt(i, LF.DB, l._db)
        .layerInt(i, LF.Z, l._z).layerInt(i, LF.Y, l._y).layerInt(i, LF.G, l._g)
        .layerInt(i, LF.DX, i ? layers[i - 1]!._g : 0)
        .layerInt(i, LF.Activation, act._kernelId).layerReal(i, LF.Alpha, act.alpha);
    });
    w.writeTo(be, plan);
    return { plan: new PlanInMemory(be, plan), lossOut, accOut, done, maxChunk };
  }

  /** Run at most `max` more epochs; returns how many ran. Throws TrainingDivergedError. */
  runEpochs(max: number): number {
    let ran = 0;
    while (!this.done && ran < max) {
      const epoch = this.result.epochs;
      const be = this.net._be;
      if (this.order && (this.p.shuffle || epoch === 0)) {
        if (this.p.shuffle) this.p.rng.shuffle(this.order);
        be.writeI32(this.index, this.order);
      }
      const lr = this.p.lr(epoch);
      let losses: number[], accs: number[] | null;
      if (this.kernelLoop) {
        const count = Math.min(this.p.epochs - epoch, max - ran, this.kernelLoop.maxChunk);
        ({ losses, accs } = this.kernelEpochs(count, lr));
      } else {
        ({ losses, accs } = this.stepEpoch(lr, epoch));
      }
      be.checkThreads('NeuralNetwork.train');
      for (let i = 0; i < losses.length && !this.result.stopped; i++) {
        this.endEpoch(losses[i]!, accs ? accs[i]! : undefined, lr);
        ran++;
      }
    }
    return ran;
  }

  private kernelEpochs(count: number, lr: number): { losses: number[]; accs: number[] | null } {
    const net = this.net, be = net._be, k = this.kernelLoop!;
    k.plan.setReal(F.LearningRate, lr);
    be.kernels.trainEpochs(k.plan.ptr, count, k.done);
    const done = be.readI32(k.done);
    const state = net._opt!;
    state.pow1 = k.plan.double(F.Pow1);
    state.pow2 = k.plan.double(F.Pow2);
    const losses: number[] = [], accs: number[] | null = k.accOut ? [] : null;
    for (let i = 0; i < Math.min(count, done + 1); i++) {
      losses.push(be.readF64(k.lossOut + i * 8));
      if (accs && i < done) accs.push(be.readF64(k.accOut + i * 8));
    }
    const n = this.train.n, b = this.p.batch;
    this.lastRows = n - Math.floor((n - 1) / b) * b;
    this.lastInput = this.order ? net.layers[0]!._xOwn : this.train.x;
    this.setCaches(this.lastInput, this.lastRows);
    return { losses, accs };
  }

  private setCaches(input: number, rows: number): void {
    const layers = this.net.layers;
    layers.forEach((l, i) => {
      l._x = i ? layers[i - 1]!._y : input;
      l._rows = rows;
    });
  }

  /** One epoch stepped from TypeScript (custom activations or losses, or onBatch). */
  private stepEpoch(lr: number, epoch: number): { losses: number[]; accs: number[] | null } {
    const net = this.net, be = net._be, k = be.kernels, p = this.p;
    const first = net.layers[0]!, last = net.layers[net.layers.length - 1]!;
    const n = this.train.n;
    let total = 0, correct = 0, seen = 0;
    for (let start = 0, batchNo = 0; start < n; start += p.batch, batchNo++) {
      const rows = Math.min(p.batch, n - start);
      let input = this.train.x, target = this.train.y;
      if (this.order) {
        k.gatherRows(first._xOwn, this.train.x, this.index + start * 4, rows, net.inputSize);
        k.gatherRows(net._target, this.train.y, this.index + start * 4, rows, net.outputSize);
        input = first._xOwn;
        target = net._target;
      }
      net._forwardRows(rows, input);
      this.lastInput = input;
      this.lastRows = rows;
      const pred = this.fused ? last._z : last._y;
      p.loss._value(be, net._lossSlot, pred, target, rows, net.outputSize);
      const value = be.readF64(net._lossSlot);
      const params = net._params;
      if (!Number.isFinite(value)) {
        be.copy(params.ptr, this.backup.ptr, params.bytes / 4); // back to the weights of the last finite loss
        return { losses: [value], accs: null };
      }
      total += value * rows;
      seen += rows;
      if (p.accuracy) {
        k.accuracyCount(net._lossSlot, pred, target, rows, net.outputSize, this.threshold);
        correct += be.readF64(net._lossSlot);
      }
      be.copy(this.backup.ptr, params.ptr, params.bytes / 4);
      p.loss._grad(be, last._g, pred, target, rows, net.outputSize);
      net._backwardAndUpdate(lr, this.fused, p.optimizer, p.l1, p.l2);
      if (p.onBatch && p.onBatch(batchNo, value, epoch) === false) {
        this.result.stopped = true;
        this.result.stopReason = 'callback';
        break;
      }
    }
    const losses = [total / seen];
    return { losses, accs: p.accuracy ? [correct / seen] : null };
  }

  private endEpoch(loss: number, accuracy: number | undefined, lr: number): void {
    const r = this.result, p = this.p, e = r.epochs;
    if (!Number.isFinite(loss)) {
      throw new TrainingDivergedError(
        `NeuralNetwork.train: the loss became ${loss} at epoch ${e}; training stopped and the weights are those ` +
          `of the last finite loss. Try a smaller learningRate.`,
        e,
        r.loss,
      );
    }
    r.loss.push(loss);
    r.learningRate.push(lr);
    r.epochs++;
    const logs: EpochLogs = { epoch: e, loss, learningRate: lr };
    if (accuracy !== undefined) r.accuracy?.push((logs.accuracy = accuracy));
    if (this.val) {
      const v = this.evaluateRows(this.val);
      r.valLoss!.push((logs.valLoss = v.loss));
      if (p.accuracy) r.valAccuracy!.push((logs.valAccuracy = v.accuracy));
    }
    if (p.logEvery && e % p.logEvery === 0) {
      const extra = logs.valLoss !== undefined ? `, Val loss: ${logs.valLoss.toFixed(4)}` : '';
      console.log(`Epoch ${e}, Loss: ${loss.toFixed(4)}${extra}`);
    }
    if (p.early) {
      const monitored = logs.valLoss ?? loss;
      if (monitored < this.bestValue - p.early.minDelta) {
        this.bestValue = monitored;
        r.bestEpoch = e;
        this.wait = 0;
        if (this.best) this.net._be.copy(this.best.ptr, this.net._params.ptr, this.net._params.bytes / 4);
      } else if (++this.wait >= p.early.patience) {
        this.stop('earlyStopping');
        if (this.best) this.net._be.copy(this.net._params.ptr, this.best.ptr, this.net._params.bytes / 4);
      }
    }
    if (p.errorThreshold && loss < p.errorThreshold) this.stop('errorThreshold');
    if (p.onEpoch && p.onEpoch(e, loss, logs) === false) this.stop('callback');
  }

  /** Stop training (an AbortSignal, a callback, early stopping). */
  stop(reason: StopReason): void {
    if (this.result.stopped) return;
    this.result.stopped = true;
    this.result.stopReason = reason;
  }

  /** Loss (and accuracy) of the network on rows in linear memory, forward passes only. */
  private evaluateRows(rows: Rows): { loss: number; accuracy: number } {
    const net = this.net, be = net._be, k = be.kernels, first = net.layers[0]!, last = net.layers[net.layers.length - 1]!;
    let total = 0, correct = 0;
    for (let start = 0; start < rows.n; start += this.p.batch) {
      const r = Math.min(this.p.batch, rows.n - start);
      be.copy(first._xOwn, rows.x + start * net.inputSize * 4, r * net.inputSize);
      net._forwardRows(r, first._xOwn);
      const pred = this.fused ? last._z : last._y, target = rows.y + start * net.outputSize * 4;
      this.p.loss._value(be, net._lossSlot, pred, target, r, net.outputSize);
      total += be.readF64(net._lossSlot) * r;
      k.accuracyCount(net._lossSlot, pred, target, r, net.outputSize, this.threshold);
      correct += be.readF64(net._lossSlot);
      this.lastInput = first._xOwn;
      this.lastRows = r;
    }
    return { loss: total / rows.n, accuracy: correct / rows.n };
  }

  /** Free the run's memory; leave the layers' caches on the last forward pass. */
  release(): void {
    const net = this.net, be = net._be;
    if (this.lastRows && !net.disposed) {
      const first = net.layers[0]!;
      if (this.lastInput !== first._xOwn) be.copy(first._xOwn, this.lastInput, this.lastRows * net.inputSize);
      this.setCaches(first._xOwn, this.lastRows);
    }
    for (const b of this.blocks) be.release(b);
    this.blocks.length = 0;
  }
}

/** @internal The body of `NeuralNetwork.train`. */
export function trainNetwork(net: NeuralNetwork, x: MatrixLike, y: MatrixLike, options: TrainOptions): TrainResult {
  const t = new Trainer(net, x, y, options, 'NeuralNetwork.train');
  try {
    t.runEpochs(Infinity);
  } finally {
    t.release();
  }
  return t.result;
}

const nextTick = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof MessageChannel !== 'undefined') {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    } else setTimeout(resolve, 0);
  });

/** @internal The body of `NeuralNetwork.trainAsync`. */
export async function trainNetworkAsync(net: NeuralNetwork, x: MatrixLike, y: MatrixLike, options: TrainAsyncOptions): Promise<TrainResult> {
  const op = 'NeuralNetwork.trainAsync';
  const { signal, yieldEvery = 16, onProgress, ...rest } = options ?? {};
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && 'aborted' in signal)) {
    throw new Error(`${op}: signal must be an AbortSignal`);
  }
  if (typeof yieldEvery !== 'number' || !(yieldEvery > 0)) throw new Error(`${op}: yieldEvery must be a number of milliseconds > 0`);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new Error(`${op}: onProgress must be a function`);
  const t = new Trainer(net, x, y, rest, op);
  try {
    let chunk = 1;
    while (!t.done) {
      if (signal?.aborted) {
        t.stop('aborted');
        break;
      }
      const start = performance.now();
      const ran = t.runEpochs(chunk);
      const ms = performance.now() - start;
      // aim each slice at yieldEvery milliseconds
      chunk = Math.max(1, Math.min(MAX_CHUNK * 16, Math.round((ran * yieldEvery) / Math.max(ms, 0.05))));
      const r = t.result;
      onProgress?.({ epoch: r.epochs, epochs: options.epochs ?? 1000, loss: r.loss[r.loss.length - 1] ?? NaN });
      if (!t.done) await nextTick();
    }
  } finally {
    t.release();
  }
  return t.result;
}
