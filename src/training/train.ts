/**
 * The training loop, apart from the math: it sequences kernels that the layers, losses and
 * optimizers own (forward, loss, gradient, backward, update) over full or mini-batches, and
 * handles what users of brain.js and tfjs expect around that: validation, early stopping, an
 * error threshold, learning-rate schedules, callbacks, time-sliced async training with an
 * AbortSignal, and divergence. When every activation and the loss are built in, whole epochs run
 * inside one kernel call (assembly/network.ts `trainEpochs`, bit-identical to stepping here).
 * It works on the network's private arena (src/nn/arena.ts), never on the public classes' state.
 *
 * @module
 */
import type { Block } from '../backend/heap.js';
import { readOptions, userCall, userCode } from '../core/validate.js';
import { activationKernel } from '../nn/activations.js';
import { align4 } from '../nn/buffers.js';
import { lossKernel } from '../nn/losses.js';
import { optimizerKernel } from '../nn/optimizers.js';
import { arenaOf, type NetworkArena, type OptimizerState } from '../nn/arena.js';
import { datasetMemory } from './dataset.js';
import { checkFiniteCopy } from '../core/scratch.js';
import type { NeuralNetwork } from '../nn/network.js';
import { PlanField as F, PlanLayerField as LF } from '../backend/contract.js';
import { planBytes, PlanInMemory, PlanWriter } from './plan.js';
import { ASYNC_OPTION_KEYS, OPTION_KEYS as TRAIN_OPTION_KEYS, validate, type Plan, type Source, type TrainData, type TrainAsyncOptions, type TrainOptions, type TrainResult, type StopReason, type EpochLogs, TrainingDivergedError } from './options.js';
import { lossGrad, lossValue } from './loss-step.js';

export {
  TrainingDivergedError, type TrainOptions, type TrainAsyncOptions, type TrainResult, type EpochLogs, type StopReason,
  type LearningRateSchedule,
} from './options.js';
/** Rows of x and y in linear memory, contiguous. */
interface Rows {
  x: number;
  y: number;
  n: number;
}

const MAX_CHUNK = 1024;
/** The most epochs whose loss and learning-rate histories a call allocates whole at its start (8 MiB each). */
const PREALLOCATED_EPOCHS = 1 << 20;

/**
 * A history of `epochs` values, allocated at its full length (up to PREALLOCATED_EPOCHS; filled
 * with NaN, a double, so that it holds unboxed doubles from the start), which endEpoch fills in
 * place and trimHistory cuts back to the epochs that ran. Grown by push, an array is reallocated
 * ~20 times on its way to 10,000 values; on a VM where fresh memory costs ~11 µs a page, two
 * 100,000-epoch histories took 18–21 ms that way and 6–7 ms allocated once.
 */
function history(epochs: number): number[] {
  return epochs <= PREALLOCATED_EPOCHS ? new Array<number>(epochs).fill(NaN) : [];
}

/** 0, 1, ..., n − 1 (a loop: Int32Array.from with a mapping function is 20x slower on 60,000 rows). */
function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** What a rejected run puts back: the weights, the optimizer's state, the saved config. */
interface Snapshot {
  params: Block;
  opt: OptimizerState | null;
  optCopy: Block | null;
  pow1: number;
  pow2: number;
  step: number;
  trainingConfig: NetworkArena['trainingConfig'];
  configKey: string | null;
}

/**
 * One training run: validated options, the memory it needs (the data set, a backup of the
 * weights, the kernel plan), and `runEpochs` to advance it. `train` runs it to the end;
 * `trainAsync` runs it in time slices. While it exists the network is busy (see src/nn/arena.ts).
 * If it fails with anything but divergence, `abort()` puts the network back as it was.
 *
 * @internal
 */
export class Trainer {
  private readonly p: Plan;
  private readonly arena: NetworkArena;
  private readonly blocks: Block[] = [];
  /** The Datasets read (held, so none is collected or freed while training reads it). */
  private readonly datasets: Source[] = [];
  private readonly train: Rows;
  private readonly val: Rows | null = null;
  private readonly order: Int32Array | null;
  private readonly index: number = 0;
  private readonly backup: Block;
  private readonly best: Block | null = null;
  private readonly snapshot: Snapshot;
  private readonly kernelLoop: { plan: PlanInMemory; lossOut: number; accOut: number; done: number; maxChunk: number } | null = null;
  private readonly perEpoch: boolean;
  private readonly fused: boolean;
  private readonly threshold: number;
  private lastInput = 0;
  private lastRows = 0;
  /** 1 + the layer whose z stopped the run as not finite (0: none, or the loss). */
  private failedLayer = 0;
  private bestValue = Infinity;
  private wait = 0;
  /** onBatch returned false: the epoch it stopped is recorded (as Keras records it), then training stops. */
  private stopAfterEpoch = false;
  private released = false;
  readonly result: TrainResult;

  constructor(net: NeuralNetwork, data: TrainData, options: TrainOptions, readonly op: string, otherKeys: readonly string[] = []) {
    const arena = (this.arena = arenaOf(net));
    arena.checkLive(op);
    arena.checkIdle(op);
    // Busy from the start: user code that runs while the call sets up (an options getter, a custom
    // optimizer's toJSON) cannot dispose, train or reset this network under it.
    arena.busy = op;
    const be = arena.be;
    try {
      const p = (this.p = validate(net, data, options, op, otherKeys));
      this.fused = p.fromLogits;
      this.threshold = this.fused ? 0 : 0.5;
      const n = p.trainRows, split = p.data.rows - n;
      this.perEpoch = Boolean(
        p.scheduled || p.val || split || p.early || p.errorThreshold || p.onEpoch || (p.batch < n && p.shuffle),
      );
      this.order = p.batch < n ? identity(n) : null;
      this.result = { loss: history(p.epochs), learningRate: history(p.epochs), epochs: 0, stopped: false, stopReason: 'epochs' };
      if (p.accuracy) this.result.accuracy = [];
      if (p.val || split) {
        this.result.valLoss = [];
        if (p.accuracy) this.result.valAccuracy = [];
      }
      const bytes = arena.params.bytes;
      // A large Matrix x is checked right after its copy in, before the workspace may grow.
      if (p.data.checked) arena.ensureWorkspace(p.batch, op, op);
      const all = this.rowsOf(p.data, 'training');
      if (!p.data.checked) checkFiniteCopy(be, all.x, p.data.X!, op);
      arena.ensureWorkspace(p.batch, op, op);
      this.train = { x: all.x, y: all.y, n };
      // a validationSplit's rows are the tail of the same block, read in place
      if (split) this.val = { x: all.x + n * arena.inputSize * 4, y: all.y + n * arena.outputSize * 4, n: split };
      else if (p.val) this.val = this.rowsOf(p.val, 'validation');
      if (this.order) {
        const b = this.alloc(align4(n) * 4, `${op}: the row order`);
        this.index = b.ptr;
        be.writeI32(this.index, this.order);
      }
      this.backup = this.alloc(bytes, `${op}: a backup of the weights`);
      // the weights of the last finite loss: until a step has run, those the call started with
      be.copy(this.backup.ptr, arena.params.ptr, bytes / 4);
      if (p.early?.restoreBest) this.best = this.alloc(bytes, `${op}: the best weights`);
      const prev = arena.opt;
      const snap = this.alloc(bytes, `${op}: a copy of the weights to restore on failure`);
      be.copy(snap.ptr, arena.params.ptr, bytes / 4);
      const optCopy = prev?.block ? this.alloc(prev.block.bytes, `${op}: a copy of the optimizer state`) : null;
      if (optCopy && prev?.block) be.copy(optCopy.ptr, prev.block.ptr, prev.block.bytes / 4);
      this.snapshot = {
        params: snap, opt: prev, optCopy, pow1: prev?.pow1 ?? 1, pow2: prev?.pow2 ?? 1, step: prev?.step ?? 0,
        trainingConfig: arena.trainingConfig, configKey: arena.configKey,
      };
      // the state it replaces (if any) is kept until training returns: put back if the run fails
      if (arena.optimizerState(p.optimizer, op, false, p.optimizerJSON) !== prev && prev) this.blocksToKeep.add(prev);
      arena.training = { config: { optimizer: p.optimizerJSON, loss: p.lossName }, key: arena.opt!.key };
      if (!p.onBatch && lossKernel(p.loss) && optimizerKernel(p.optimizer) && arena.layers.every((l) => activationKernel(l.activation))) {
        this.kernelLoop = this.writePlan(op);
      }
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** The epochs this call runs at most. */
  get epochs(): number {
    return this.p.epochs;
  }

  /** Earlier optimizer state replaced by this run's: freed on success, put back on failure. */
  private readonly blocksToKeep = new Set<OptimizerState>();

  /** Whether training has ended. */
  get done(): boolean {
    return this.result.stopped || this.result.epochs >= this.p.epochs;
  }

  private alloc(bytes: number, what: string): Block {
    const b = this.arena.be.alloc(bytes, what);
    this.blocks.push(b);
    return b;
  }

  /** The rows of `src` in linear memory: a Dataset's own (read only), or matrices copied in. */
  private rowsOf(src: Source, role: 'training' | 'validation'): Rows {
    if (src.memory) {
      datasetMemory(src.dataset, this.arena.be, this.op, role); // still alive (user code has run since validate)
      src.memory.acquire();
      this.datasets.push(src);
      return { x: src.memory.x, y: src.memory.y, n: src.rows };
    }
    const be = this.arena.be, { X, Y } = src;
    const xN = align4(X.rows * X.cols), yN = align4(Y.rows * Y.cols);
    const b = this.alloc((xN + yN) * 4, `${this.op}: the ${role} set`);
    be.write(b.ptr, X.data);
    be.write(b.ptr + xN * 4, Y.data);
    return { x: b.ptr, y: b.ptr + xN * 4, n: X.rows };
  }

  /** The kernels' plan: a table of the layers' pointers and the run's settings (see ./plan.ts). */
  private writePlan(op: string) {
    const arena = this.arena, be = arena.be, layers = arena.layers, p = this.p;
    const maxChunk = this.perEpoch ? 1 : Math.min(p.epochs, MAX_CHUNK);
    const bytes = planBytes(layers.length);
    const acc = p.accuracy ? maxChunk * 8 : 0;
    const block = this.alloc(bytes + maxChunk * 8 + acc + 16, `${op}: the training plan`);
    const plan = block.ptr, lossOut = plan + bytes, accOut = p.accuracy ? lossOut + maxChunk * 8 : 0;
    const done = lossOut + maxChunk * 8 + acc;
    const state = arena.opt!;
    const optimizer = optimizerKernel(p.optimizer)!;
    const [h1, h2, eps, nesterov] = optimizer.hyper;
    const full = this.order === null;
    // the first layer's input: the data set's rows in place (full batch) or its own buffer, which
    // the kernels gather each batch into (they read the first layer's input as PlanField.Input)
    const input = full ? this.train.x : layers[0]!.xOwn;
    // a second input and target buffer, which the workers gather the next batch into (threads build)
    let inputAhead = 0, targetAhead = 0;
    if (!full && be.threaded) {
      const xN = align4(p.batch * arena.inputSize), yN = align4(p.batch * arena.outputSize);
      inputAhead = this.alloc((xN + yN) * 4, `${op}: a second batch buffer`).ptr;
      targetAhead = inputAhead + xN * 4;
    }
    const w = new PlanWriter(layers.length)
      .int(F.Layers, layers.length).int(F.Loss, lossKernel(p.loss)!.id).real(F.LearningRate, 0) // set per chunk (kernelEpochs)
      .int(F.Rows, this.train.n).int(F.BatchRows, p.batch)
      .int(F.DataX, full ? 0 : this.train.x).int(F.DataY, full ? 0 : this.train.y).int(F.Index, this.index)
      .int(F.Input, input).int(F.Target, full ? this.train.y : arena.target)
      .int(F.InputAhead, inputAhead).int(F.TargetAhead, targetAhead)
      .int(F.LossOut, lossOut).int(F.LossSlot, arena.lossSlot)
      .int(F.InputSize, arena.inputSize).int(F.OutputSize, arena.outputSize).int(F.FailedRow, 0).int(F.FailedLayer, 0)
      .int(F.Params, arena.params.ptr).int(F.Backup, this.backup.ptr).int(F.ParamBytes, arena.params.bytes)
      .int(F.Optimizer, optimizer.id).real(F.Hyper1, h1).real(F.Hyper2, h2).real(F.Epsilon, eps)
      .int(F.StateA, state.a).int(F.StateB, state.b).int(F.Nesterov, nesterov)
      .real(F.L1, p.l1).real(F.L2, p.l2).int(F.AccuracyOut, accOut).real(F.AccuracyThreshold, this.threshold)
      .double(F.Pow1, state.pow1).double(F.Pow2, state.pow2);
    layers.forEach((l, i) => {
      const act = activationKernel(l.activation)!;
      // room for the weights packed as the forward product reads them, where the kernels step them so (two copies)
      const panelBytes = be.kernels.trainingPanelBytes(i, l.inputs, l.outputs, optimizer.id, p.batch);
      const panels = panelBytes > 0 ? this.alloc(2 * panelBytes, `${op}: layer ${i}'s packed weights`).ptr : 0;
      w.layerInt(i, LF.Panels, panels).layerInt(i, LF.OtherPanels, panels && panels + panelBytes);
      w.layerInt(i, LF.In, l.inputs).layerInt(i, LF.Out, l.outputs)
        .layerInt(i, LF.X, i ? layers[i - 1]!.y : input)
        .layerInt(i, LF.W, l.w).layerInt(i, LF.B, l.b).layerInt(i, LF.DW, l.dw).layerInt(i, LF.DB, l.db)
        .layerInt(i, LF.Z, l.z).layerInt(i, LF.Y, l.y).layerInt(i, LF.G, l.g)
        .layerInt(i, LF.DX, i ? layers[i - 1]!.g : 0)
        .layerInt(i, LF.Activation, act.id).layerReal(i, LF.Alpha, act.alpha);
    });
    w.writeTo(be, plan);
    return { plan: new PlanInMemory(be, plan), lossOut, accOut, done, maxChunk };
  }

  /** Run at most `max` more epochs; returns how many ran. Throws TrainingDivergedError. */
  runEpochs(max: number): number {
    let ran = 0;
    while (!this.done && ran < max) {
      const epoch = this.result.epochs;
      const be = this.arena.be;
      const lr = this.p.lr(epoch); // a schedule's value is checked before the epoch changes anything
      if (this.order && (this.p.shuffle || epoch === 0)) {
        if (this.p.shuffle) this.p.rng.shuffle(this.order);
        be.writeI32(this.index, this.order);
      }
      let losses: number[], accs: number[] | null;
      if (this.kernelLoop) {
        const count = Math.min(this.p.epochs - epoch, max - ran, this.kernelLoop.maxChunk);
        ({ losses, accs } = this.kernelEpochs(count, lr));
      } else {
        ({ losses, accs } = this.stepEpoch(lr, epoch));
      }
      be.checkThreads(this.op);
      for (let i = 0; i < losses.length && !this.result.stopped; i++) {
        this.endEpoch(losses[i]!, accs ? accs[i]! : undefined, lr);
        ran++;
        this.afterEpoch?.();
      }
      if (this.stopAfterEpoch) this.stop('callback');
    }
    if (this.done) this.checkFinalWeights();
    return ran;
  }

  /**
   * The last update is never followed by a loss: check that it left finite weights, or go back
   * to the weights before it (those of the last finite loss) and report divergence.
   */
  private checkFinalWeights(): void {
    const { be, layers } = this.arena;
    for (const l of layers) {
      for (const [ptr, n] of [[l.w, l.inputs * l.outputs], [l.b, l.outputs]] as const) {
        const i = be.kernels.firstNonFinite(ptr, n); // one SIMD pass (a JS pass was 1.4 ms of a 784-128-10 call)
        if (i < 0) continue;
        const bad = be.read(ptr + i * 4, 1)[0]!;
        this.backupWeights(false);
        const r = this.result, e = Math.max(0, r.epochs - 1);
        throw new TrainingDivergedError(
          `${this.op}: the last update at epoch ${e} made a weight ${bad}; the weights are those before it. ` +
            'Try a smaller learningRate.',
          e,
          r.loss,
        );
      }
    }
  }

  private kernelEpochs(count: number, lr: number): { losses: number[]; accs: number[] | null } {
    const arena = this.arena, be = arena.be, k = this.kernelLoop!;
    k.plan.setReal(F.LearningRate, lr);
    be.kernels.trainEpochs(k.plan.ptr, count, k.done);
    const done = be.readI32(k.done);
    if (done < count) this.failedLayer = k.plan.int(F.FailedLayer);
    const state = arena.opt!;
    state.pow1 = k.plan.double(F.Pow1);
    state.pow2 = k.plan.double(F.Pow2);
    const losses: number[] = [], accs: number[] | null = k.accOut ? [] : null;
    for (let i = 0; i < Math.min(count, done + 1); i++) {
      losses.push(be.readF64(k.lossOut + i * 8));
      if (accs && i < done) accs.push(be.readF64(k.accOut + i * 8));
    }
    const n = this.train.n, b = this.p.batch;
    state.step += Math.min(count, done) * Math.ceil(n / b);
    this.lastRows = n - Math.floor((n - 1) / b) * b;
    this.lastInput = this.order ? arena.layers[0]!.xOwn : this.train.x;
    this.setCaches(this.lastInput, this.lastRows);
    // On logits the kernel loop leaves the output layer's y alone: the cache gets its y = f(z),
    // as a stepped epoch leaves it
    if (this.fused) arena.layers[arena.layers.length - 1]!.activate();
    return { losses, accs };
  }

  private setCaches(input: number, rows: number): void {
    const layers = this.arena.layers;
    layers.forEach((l, i) => {
      l.x = i ? layers[i - 1]!.y : input;
      l.rows = rows;
    });
  }

  /** One epoch stepped from TypeScript (a user's activation, loss or optimizer, or onBatch). */
  private stepEpoch(lr: number, epoch: number): { losses: number[]; accs: number[] | null } {
    const arena = this.arena, be = arena.be, k = be.kernels, p = this.p;
    const first = arena.layers[0]!, last = arena.layers[arena.layers.length - 1]!;
    const n = this.train.n, params = arena.params, out = arena.outputSize;
    let total = 0, correct = 0, seen = 0;
    for (let start = 0, batchNo = 0; start < n; start += p.batch, batchNo++) {
      const rows = Math.min(p.batch, n - start);
      let input = this.train.x, target = this.train.y;
      if (this.order) {
        k.gatherRows(first.xOwn, this.train.x, this.index + start * 4, rows, arena.inputSize);
        k.gatherRows(arena.target, this.train.y, this.index + start * 4, rows, out);
        input = first.xOwn;
        target = arena.target;
      }
      arena.forward(rows, input);
      this.lastInput = input;
      this.lastRows = rows;
      const pred = this.fused ? last.z : last.y;
      const bad = nonFiniteZ(arena, rows);
      if (bad) this.failedLayer = bad.layer;
      const value = bad ? bad.value : lossValue(be, p.loss, arena.lossSlot, pred, target, rows, out, this.op);
      if (!Number.isFinite(value)) {
        this.backupWeights(false); // back to the weights of the last finite loss
        return { losses: [value], accs: null };
      }
      total += value * rows;
      seen += rows;
      if (p.accuracy) {
        k.accuracyCount(arena.lossSlot, pred, target, rows, out, this.threshold);
        correct += be.readF64(arena.lossSlot);
      }
      this.backupWeights(true);
      lossGrad(be, p.loss, last.g, pred, target, rows, out, this.op);
      arena.backwardAndUpdate(lr, this.fused, p.optimizer, p.l1, p.l2);
      if (p.onBatch && userCall(`${this.op}: onBatch`, () => p.onBatch!(batchNo, value, epoch)) === false) {
        this.stopAfterEpoch = true; // this epoch's updates are in the weights: it counts, with the batches it ran
        break;
      }
    }
    return { losses: [total / seen], accs: p.accuracy ? [correct / seen] : null };
  }

  /**
   * Copy every layer's weights and bias into the backup (`save`) or back, as the kernel loop does
   * (assembly/network.ts backupWeights): not the gradients, which nothing reads after a restore.
   */
  private backupWeights(save: boolean): void {
    const be = this.arena.be, base = this.arena.params.ptr, backup = this.backup.ptr;
    for (const l of this.arena.layers) {
      for (const [ptr, floats] of [[l.w, l.inputs * l.outputs], [l.b, l.outputs]] as const) {
        const kept = backup + (ptr - base);
        if (save) be.copy(kept, ptr, floats);
        else be.copy(ptr, kept, floats);
      }
    }
  }

  /** The loss and learning-rate histories cut to the epochs that ran (see history). */
  private trimHistory(): void {
    const r = this.result;
    if (r.loss.length > r.epochs) r.loss.length = r.learningRate.length = r.epochs;
  }

  private endEpoch(loss: number, accuracy: number | undefined, lr: number): void {
    const r = this.result, p = this.p, e = r.epochs, arena = this.arena;
    if (!Number.isFinite(loss)) {
      this.trimHistory();
      const what = this.failedLayer
        ? `layer ${this.failedLayer - 1}'s x·W + b became ${loss} at epoch ${e} (${Number.isNaN(loss) ? 'a NaN or an overflow' : 'float32 overflowed'} there, which the loss may not show)`
        : `the loss became ${loss} at epoch ${e}`;
      throw new TrainingDivergedError(
        `${this.op}: ${what}; training stopped and the weights are those ` +
          `of the last finite forward pass. Try a smaller learningRate.`,
        e,
        r.loss,
      );
    }
    if (e < r.loss.length) {
      r.loss[e] = loss;
      r.learningRate[e] = lr;
    } else {
      r.loss.push(loss);
      r.learningRate.push(lr);
    }
    r.epochs++;
    if (!this.val && !p.logEvery && !p.early && !p.onEpoch) {
      // Nothing looks at this epoch's logs: no object per epoch (the chapter's XOR runs 10,000).
      if (accuracy !== undefined) r.accuracy?.push(accuracy);
      if (p.errorThreshold && loss < p.errorThreshold) this.stop('errorThreshold');
      return;
    }
    const logs: EpochLogs = { epoch: e, loss, learningRate: lr };
    if (accuracy !== undefined) r.accuracy?.push((logs.accuracy = accuracy));
    if (this.val) {
      const v = this.evaluateRows(this.val);
      r.valLoss!.push((logs.valLoss = v.loss));
      if (p.accuracy) r.valAccuracy!.push((logs.valAccuracy = v.accuracy));
    }
    if (p.logEvery && e % p.logEvery === 0) {
      const extra = logs.valLoss !== undefined ? `, Val loss: ${logs.valLoss.toFixed(4)}` : '';
      const line = `Epoch ${e}, Loss: ${loss.toFixed(4)}${extra}`;
      userCode(this.op, 'logEvery: console.log', () => console.log(line));
    }
    if (p.early) {
      const monitored = logs.valLoss ?? loss;
      const { be, params } = arena;
      if (monitored < this.bestValue - p.early.minDelta) {
        this.bestValue = monitored;
        r.bestEpoch = e;
        this.wait = 0;
        // The weights that scored `monitored`: after the epoch's update for a validation loss; for
        // the training loss of a full batch, those before it (kept in the backup: the loss is
        // measured before the step). A mini-batch epoch's mean loss has no one set: the last.
        const scored = logs.valLoss === undefined && !this.order ? this.backup.ptr : params.ptr;
        if (this.best) be.copy(this.best.ptr, scored, params.bytes / 4);
      } else if (++this.wait >= p.early.patience) {
        this.stop('earlyStopping');
        if (this.best) be.copy(params.ptr, this.best.ptr, params.bytes / 4);
      }
    }
    if (p.errorThreshold && loss < p.errorThreshold) this.stop('errorThreshold');
    if (p.onEpoch && userCall(`${this.op}: onEpoch`, () => p.onEpoch!(e, loss, logs)) === false) this.stop('callback');
  }

  /** Called after every epoch's logs (trainAsync: an AbortSignal aborted by a callback stops at once). */
  afterEpoch: (() => void) | null = null;

  /**
   * Training ended early (an AbortSignal between slices): the same check of the last update's
   * weights as a run that finished.
   */
  end(): void {
    this.checkFinalWeights();
  }

  /** Stop training (an AbortSignal, a callback, early stopping). */
  stop(reason: StopReason): void {
    if (this.result.stopped) return;
    this.trimHistory();
    // onBatch asked first: the rest of its epoch's bookkeeping (errorThreshold, early stopping) does not rename the stop
    if (this.stopAfterEpoch && reason !== 'aborted') reason = 'callback';
    this.result.stopped = true;
    this.result.stopReason = reason;
  }

  /** Loss (and accuracy) of the network on rows in linear memory, forward passes only. */
  private evaluateRows(rows: Rows): { loss: number; accuracy: number } {
    const arena = this.arena, be = arena.be, k = be.kernels, first = arena.layers[0]!, last = arena.layers[arena.layers.length - 1]!;
    const inp = arena.inputSize, out = arena.outputSize;
    let total = 0, correct = 0;
    for (let start = 0; start < rows.n; start += this.p.batch) {
      const r = Math.min(this.p.batch, rows.n - start);
      be.copy(first.xOwn, rows.x + start * inp * 4, r * inp);
      arena.forward(r, first.xOwn);
      const pred = this.fused ? last.z : last.y, target = rows.y + start * out * 4;
      total += lossValue(be, this.p.loss, arena.lossSlot, pred, target, r, out, this.op) * r;
      k.accuracyCount(arena.lossSlot, pred, target, r, out, this.threshold);
      correct += be.readF64(arena.lossSlot);
      this.lastInput = first.xOwn;
      this.lastRows = r;
    }
    be.checkThreads(this.op); // the validation loss (early stopping reads it) from complete products only
    return { loss: total / rows.n, accuracy: correct / rows.n };
  }

  /**
   * Training returned (or diverged): keep its weights and free the run's memory. The optimizer's
   * state is kept too, unless training diverged: moments built from the gradients that blew up
   * would make the next call diverge at once, so the state starts afresh (as after resetOptimizer).
   */
  finish(diverged = false): void {
    if (this.released) return;
    this.trimHistory();
    const arena = this.arena, r = this.result;
    // Early stopping keeps the best weights however the run ended (as Keras 3 restores them at the
    // end of fit), but for an abort, which keeps those of the last completed epoch, and for
    // errorThreshold, which keeps the weights that met it
    if (!diverged && this.best && !['earlyStopping', 'aborted', 'errorThreshold'].includes(r.stopReason) && r.bestEpoch !== undefined && !arena.disposed) {
      arena.be.copy(arena.params.ptr, this.best.ptr, arena.params.bytes / 4);
    }
    arena.trainingConfig = { optimizer: this.p.optimizerJSON, loss: this.p.lossName };
    arena.configKey = arena.training?.key ?? null;
    for (const old of this.blocksToKeep) if (old.block) arena.be.release(old.block);
    if (diverged && !arena.disposed) {
      if (arena.opt?.block) arena.be.release(arena.opt.block);
      arena.opt = null;
    }
    this.release();
  }

  /** Training failed with something other than divergence: put the network back as it was. */
  abort(): void {
    if (this.released) return;
    const arena = this.arena, be = arena.be, s = this.snapshot as Snapshot | undefined;
    if (s && !arena.disposed) {
      be.copy(arena.params.ptr, s.params.ptr, arena.params.bytes / 4);
      if (arena.opt !== s.opt && arena.opt?.block) be.release(arena.opt.block);
      arena.opt = s.opt;
      if (s.opt) {
        if (s.optCopy && s.opt.block) be.copy(s.opt.block.ptr, s.optCopy.ptr, s.opt.block.bytes / 4);
        Object.assign(s.opt, { pow1: s.pow1, pow2: s.pow2, step: s.step });
      }
      arena.trainingConfig = s.trainingConfig;
      arena.configKey = s.configKey;
    }
    // Epochs that ran overwrote the cached forward pass, and its input was the run's copy of the
    // data (freed now) or a Dataset: backward() must ask for a new forward() instead of reading it.
    if (this.lastInput && !arena.disposed) for (const l of arena.layers) l.rows = 0;
    this.lastRows = 0;
    this.release();
  }

  /** Free the run's memory; leave the layers' caches on the last forward pass; the network is idle again. */
  private release(): void {
    const arena = this.arena, be = arena.be;
    this.released = true;
    arena.training = null;
    if (arena.busy === this.op) arena.busy = null;
    if (this.lastRows && !arena.disposed) {
      const first = arena.layers[0]!;
      if (this.lastInput !== first.xOwn) be.copy(first.xOwn, this.lastInput, this.lastRows * arena.inputSize);
      this.setCaches(first.xOwn, this.lastRows);
    }
    for (const b of this.blocks) be.release(b);
    this.blocks.length = 0;
    for (const d of this.datasets) d.memory!.unuse();
    this.datasets.length = 0;
  }
}

/** Run `body` on a Trainer: keep the outcome on success or divergence, put everything back otherwise. */
function settle(t: Trainer, e: unknown): void {
  if (e instanceof TrainingDivergedError) t.finish(true);
  else t.abort();
}

/** @internal The body of `NeuralNetwork.train`. */
export function trainNetwork(net: NeuralNetwork, data: TrainData, options: TrainOptions): TrainResult {
  const t = new Trainer(net, data, options, 'NeuralNetwork.train');
  try {
    t.runEpochs(Infinity);
  } catch (e) {
    settle(t, e);
    throw e;
  }
  t.finish();
  return t.result;
}

/**
 * A turn of the event loop for timers, I/O and rendering: setImmediate where there is one (Node,
 * Bun, Deno: after I/O and with timers due; Deno's MessageChannel, with worker threads alive, let
 * a 10 ms timer wait over a second and a server go unanswered), else a MessageChannel message
 * (browsers: no 4 ms clamp as nested timeouts have), else a timeout.
 */
const nextTick = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else if (typeof MessageChannel !== 'undefined') {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    } else setTimeout(resolve, 0);
  });

/** @internal The body of `NeuralNetwork.trainAsync`. */
export async function trainNetworkAsync(net: NeuralNetwork, data: TrainData, options: TrainAsyncOptions): Promise<TrainResult> {
  const op = 'NeuralNetwork.trainAsync';
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${String(options)}`);
  // its own keys, each read once (train()'s options are read by the Trainer)
  const own = readOptions(op, options, ASYNC_OPTION_KEYS, TRAIN_OPTION_KEYS) as TrainAsyncOptions;
  const { signal, yieldEvery = 16, onProgress } = own;
  if (signal !== undefined && !userCode(op, 'reading options.signal', () => typeof signal === 'object' && signal !== null && 'aborted' in signal)) {
    throw new Error(`${op}: signal must be an AbortSignal`);
  }
  if (typeof yieldEvery !== 'number' || !(yieldEvery > 0) || !Number.isFinite(yieldEvery)) throw new Error(`${op}: yieldEvery must be a number of milliseconds > 0`);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new Error(`${op}: onProgress must be a function`);
  const aborted = (): boolean => signal !== undefined && Boolean(userCode(op, 'reading signal.aborted', () => signal.aborted));
  const t = new Trainer(net, data, options, op, ASYNC_OPTION_KEYS);
  try {
    if (aborted()) {
      // aborted before the first epoch: nothing ran, so nothing changes (optimizer state, trainingConfig)
      t.stop('aborted');
      t.abort();
      return t.result;
    }
    // an abort from a callback (onEpoch, onBatch) stops after that epoch, not at the end of the slice
    t.afterEpoch = () => {
      if (aborted()) t.stop('aborted');
    };
    let chunk = 1;
    while (!t.done) {
      if (aborted()) {
        t.stop('aborted');
        break;
      }
      const start = performance.now();
      const ran = t.runEpochs(chunk);
      const ms = performance.now() - start;
      // aim each slice at yieldEvery milliseconds
      chunk = Math.max(1, Math.min(MAX_CHUNK * 16, Math.round((ran * yieldEvery) / Math.max(ms, 0.05))));
      const r = t.result;
      if (onProgress) userCall(`${op}: onProgress`, () => onProgress({ epoch: r.epochs, epochs: t.epochs, loss: r.epochs ? r.loss[r.epochs - 1]! : NaN }));
      if (!t.done) await nextTick();
    }
    t.end();
  } catch (e) {
    settle(t, e);
    throw e;
  }
  t.finish();
  return t.result;
}

/**
 * The first layer whose z = x·W + b over `rows` rows holds a NaN or ±Infinity, and that value
 * (layer is 1 + its index), or null: an overflowed weight shows there even while a saturated
 * sigmoid or a ReLU keeps the loss finite. One SIMD pass per layer over a batch's z.
 */
function nonFiniteZ(arena: NetworkArena, rows: number): { layer: number; value: number } | null {
  const be = arena.be;
  for (let i = 0; i < arena.layers.length; i++) {
    const l = arena.layers[i]!;
    const at = be.kernels.firstNonFinite(l.z, rows * l.outputs);
    if (at >= 0) return { layer: i + 1, value: be.read(l.z + at * 4, 1)[0]! };
  }
  return null;
}
