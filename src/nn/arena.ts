/**
 * A network's arena, kept out of the public class: one block of linear memory for every layer's
 * W, b, dW, db, a workspace block of batch buffers (resized for larger batches), the optimizer's
 * state, and whether the network is busy training. The network and the trainer work on this;
 * users only see `NeuralNetwork`.
 *
 * Busy rule: while `train()` or `trainAsync()` runs on a network (including inside its
 * callbacks and between async slices), calls that would free, move or overwrite the memory the
 * training uses (`dispose`, `train`, `trainAsync`, `resetOptimizer`, `backward`, a layer's
 * `forward`/`backward`) throw an Error naming the network as busy; `predict`/`forward` still work,
 * on temporary buffers, and see the weights of the last completed step.
 *
 * @module
 * @internal
 */
import type { Backend, Block } from '../backend/heap.js';
import { OptimizerId } from '../backend/contract.js';
import { Matrix, ownedMatrix } from '../core/matrix.js';
import { checkFiniteCopy } from '../core/scratch.js';
import { userCall } from '../core/validate.js';
import { holdBusy, runningError, type LayerOwner } from './layer.js';
import { align4, LayerBuffers } from './buffers.js';
import { MAX_STATE_ARRAYS, type Optimizer, type OptimizerKernel, optimizerKernel } from './optimizers.js';
import type { OptimizerStateJSON } from './serialize.js';

/**
 * The optimizer's state: kept across `train()` calls while the settings match.
 *
 * @internal
 */
export interface OptimizerState {
  key: string;
  block: Block | null;
  /** State arrays per parameter, each laid out like the parameter block. */
  slots: number;
  /** First and second state blocks (pointers; 0: none). */
  a: number;
  b: number;
  /** Adam's β1^t and β2^t (built-in Adam), and the step count (a user's optimizer). */
  pow1: number;
  pow2: number;
  step: number;
}

/**
 * What `train()` last used (the optimizer's settings and the loss's name), saved with the model.
 *
 * @example
 * ```ts
 * net.train(X, y, { optimizer: 'adam' });
 * const config: TrainingConfig | null = net.trainingConfig; // { optimizer: { name: 'adam', ... }, loss: ... }
 * ```
 */
export type TrainingConfig = { optimizer: { name: string } & Record<string, unknown>; loss: string };


/**
 * The memory and busy state of one network.
 *
 * @internal
 */
export class NetworkArena implements LayerOwner {
  readonly layers: LayerBuffers[] = [];
  ws: Block | null = null;
  wsRows = 0;
  /** Batch targets (rows×outputSize floats), one f64 for loss kernels, row indices (int32). */
  target = 0;
  lossSlot = 0;
  index = 0;
  opt: OptimizerState | null = null;
  trainingConfig: TrainingConfig | null = null;
  /** The key of the optimizer state that goes with `trainingConfig` (toJSON saves that state only). */
  configKey: string | null = null;
  /** While a training call runs: its settings and its state's key (a checkpoint from a callback records those). */
  training: { config: TrainingConfig; key: string } | null = null;
  disposed = false;
  /** The operation training this network (null: idle). */
  busy: string | null = null;
  /** Whether `busy` is a call running on the network (`use`: predict, forward, backward) rather than training. */
  running = false;

  constructor(readonly be: Backend, readonly params: Block, readonly inputSize: number, readonly outputSize: number) {}

  /** Throw after dispose(). */
  checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: this network was disposed`);
  }

  checkIdle(op: string): void {
    if (!this.busy) return;
    // predict/forward/backward run user code (a custom activation) while they hold the buffers
    if (this.running) throw runningError(op, this.busy, 'network');
    throw new Error(
      `${op}: this network is busy: ${this.busy} is training it. Call ${op.split(':')[0]} after training returns ` +
        '(to stop it early, return false from onEpoch/onBatch or abort its signal)',
    );
  }

  /** Run `fn` with the network busy as `op` (checked idle first): code it calls cannot dispose or reshape it. */
  use<T>(op: string, fn: () => T): T {
    return holdBusy(this, op, fn);
  }

  /**
   * Batch buffers for `rows` rows, for every layer, plus targets. Only the caller that made the
   * network busy (`owner`: its op, the training call) may grow them while it is busy.
   */
  ensureWorkspace(rows: number, op: string, owner?: string): void {
    if (this.ws && rows <= this.wsRows) return;
    if (this.busy !== owner) this.checkIdle(op);
    let floats = 0;
    for (const l of this.layers) floats += LayerBuffers.workspaceFloats(l.inputs, l.outputs, rows);
    floats += align4(rows * this.outputSize) + 4 + align4(rows);
    const block = this.be.alloc(floats * 4, `${op}: buffers for a batch of ${rows}`);
    if (this.ws) this.be.release(this.ws);
    this.ws = block;
    this.wsRows = rows;
    let ptr = block.ptr;
    for (const l of this.layers) {
      l.bind(block, ptr, rows);
      ptr += LayerBuffers.workspaceFloats(l.inputs, l.outputs, rows) * 4;
    }
    this.target = ptr;
    ptr += align4(rows * this.outputSize) * 4;
    this.lossSlot = ptr;
    this.index = ptr + 16;
  }

  /** Forward all layers for `rows` rows whose input is at `input` (default: the first layer's buffer). */
  forward(rows: number, input = this.layers[0]!.xOwn): void {
    const layers = this.layers;
    layers[0]!.x = input;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (i > 0) l.x = layers[i - 1]!.y;
      l.forward(rows);
    }
  }

  /**
   * The most rows of one block of {@link forwardDetached}: as many as 32 MiB of forward buffers
   * hold (2^23 floats), but at least 1024, so that blocks of even sizes are never under 512 rows.
   * Then every block's products take the path the product of all rows takes (the packed gemm from
   * 4 rows and 4096 multiply-adds on: 512 rows of any layer of 8 outputs or more), which gives
   * each row the same bits, and stay tall (the gemm runs at full speed from a few hundred rows,
   * and threads split tall products by rows).
   */
  blockRows(): number {
    return Math.max(1024, Math.floor(2 ** 23 / this.layers.reduce((n, l) => n + 2 * l.outputs, this.inputSize)));
  }

  /**
   * The forward pass on temporary buffers, freed before it returns, leaving the workspace and the
   * layers' caches alone: what `predict` does with more rows than one block, and `predict` and
   * `forward` while the network is busy (training, or running a custom activation).
   * The buffers are a forward pass's only (the input, each layer's z and y: no gradients), for
   * one block of rows: a larger input runs through them in blocks of even sizes, one after the
   * other (rows are independent: the same bits as one pass over all of them), so the memory a
   * call needs is bounded whatever its rows, and none of it is kept.
   * With `check`, each block's inputs are checked for NaN and ±Infinity as they are copied in
   * (one SIMD pass over the block, which the first product then reads from cache) instead of by
   * the caller over a copy of all of X: nothing here outlives a rejected call.
   */
  forwardDetached(X: Matrix, op: string, check = false): Matrix {
    const be = this.be, rows = X.rows, inp = this.inputSize, out = this.outputSize;
    const blocks = Math.ceil(rows / this.blockRows()), step = Math.ceil(rows / blocks);
    // the input, then each layer's z and y
    const floats = this.layers.reduce((n, l) => n + 2 * align4(step * l.outputs), align4(step * inp));
    const block = be.alloc(floats * 4, `${op}: buffers for a batch of ${rows}`);
    try {
      const result = new Float32Array(rows * out);
      for (let i = 1, start = 0; start < rows; i++) {
        const end = Math.floor((i * rows) / blocks), r = end - start;
        // X.data again each block: a view's values are re-read after code (an activation) grew memory
        be.write(block.ptr, X.data.subarray(start * inp, end * inp));
        if (check) checkFiniteCopy(be, block.ptr, X, op, 'input', start * inp, r * inp);
        let x = block.ptr, z = x + align4(step * inp) * 4;
        for (const l of this.layers) {
          const bytes = align4(step * l.outputs) * 4; // of z, and of y after it
          l.forwardAt(x, z, z + bytes, r);
          x = z + bytes;
          z = x + bytes;
        }
        be.checkThreads(op); // a product a worker left unfinished is reported, not returned
        result.set(be.f32(x, r * out), start * out);
        start = end;
      }
      return ownedMatrix(rows, out, result);
    } finally {
      be.release(block);
    }
  }

  /** State for `optimizer`: kept when the settings match the last run's, else fresh zeros. */
  optimizerState(optimizer: Optimizer, op: string, releasePrevious = true, settings?: unknown): OptimizerState {
    const key = optimizerKey(optimizer, op, settings);
    if (this.opt && this.opt.key === key) return this.opt;
    const kernel = optimizerKernel(optimizer);
    const slots = kernel ? kernel.slots : optimizer.stateArrays;
    if (!Number.isInteger(slots) || slots < 0 || slots > MAX_STATE_ARRAYS) {
      throw new Error(`${op}: optimizer.stateArrays must be an integer in [0, ${MAX_STATE_ARRAYS}], got ${String(slots)}`);
    }
    const bytes = this.params.bytes;
    const block = slots ? this.be.alloc(bytes * slots, `${op}: optimizer state`) : null;
    if (block) this.be.f32(block.ptr, block.bytes / 4).fill(0);
    if (releasePrevious && this.opt?.block) this.be.release(this.opt.block);
    this.opt = { key, block, slots, a: block ? block.ptr : 0, b: block && slots > 1 ? block.ptr + bytes : 0, pow1: 1, pow2: 1, step: 0 };
    return this.opt;
  }

  /**
   * Backpropagate the gradient in the last layer's `g` and update each layer with `optimizer`
   * (after L1/L2 terms), last layer first: the same sequence as the kernels' training loop.
   */
  backwardAndUpdate(lr: number, lastGradAtZ: boolean, optimizer: Optimizer, l1: number, l2: number): void {
    const layers = this.layers, be = this.be, state = this.opt!;
    const kernel = optimizerKernel(optimizer);
    let c1 = 1, c2 = 1;
    state.step++;
    if (kernel && kernel.id === OptimizerId.Adam) {
      const [b1, b2] = kernel.hyper;
      state.pow1 *= Math.fround(b1);
      state.pow2 *= Math.fround(b2);
      c1 = 1 / (1 - state.pow1);
      c2 = 1 / (1 - state.pow2);
    }
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i]!, n = l.inputs * l.outputs;
      l.backward(i > 0 ? layers[i - 1]!.g : 0, lastGradAtZ && i === layers.length - 1);
      if (l1 || l2) be.kernels.regularizeGrad(l.dw, l.w, l1, l2, n);
      this.#update(optimizer, kernel, state, l.w, l.dw, n, lr, c1, c2);
      this.#update(optimizer, kernel, state, l.b, l.db, l.outputs, lr, c1, c2);
    }
  }

  /** One parameter segment, as assembly/update.ts `updateSegment` does it (or a user's update in TS). */
  #update(
    optimizer: Optimizer, kernel: OptimizerKernel | null, s: OptimizerState, p: number, g: number, n: number, lr: number, c1: number, c2: number,
  ): void {
    const k = this.be.kernels, off = p - this.params.ptr;
    if (!kernel) {
      // A user's update works on copies, written back after it returns: code it runs (a predict on
      // a larger batch) may grow WebAssembly memory, which would detach views into it.
      const be = this.be;
      const statePtrs = Array.from({ length: s.slots }, (_, i) => p + this.#slotShift(s, i));
      const param = be.read(p, n), grad = be.read(g, n), state = statePtrs.map((ptr) => be.read(ptr, n));
      userCall(`${optimizer.name}.update`, () => optimizer.update(param, grad, state, lr, s.step));
      be.write(p, param);
      statePtrs.forEach((ptr, i) => be.write(ptr, state[i]!));
      return;
    }
    const [h1, h2, eps, nesterov] = kernel.hyper;
    switch (kernel.id) {
      case OptimizerId.SGD: k.sgdUpdate(p, p, g, lr, n); break;
      case OptimizerId.Momentum: k.momentumUpdate(p, p, g, s.a + off, lr, h1, nesterov, n); break;
      case OptimizerId.Adam: k.adamUpdate(p, p, g, s.a + off, s.b + off, lr, h1, h2, eps, c1, c2, n); break;
      case OptimizerId.RMSprop: k.rmspropUpdate(p, p, g, s.a + off, lr, h1, eps, n); break;
    }
  }

  /** What to add to a parameter's address for its value in state array `j` (laid out like the parameters). */
  #slotShift(s: OptimizerState, j: number): number {
    return s.block!.ptr + j * this.params.bytes - this.params.ptr;
  }

  /**
   * The optimizer's state in its saved form (`training.state`), or undefined when none is kept or
   * it holds a value that is not finite (an overflowed mean of squared gradients: JSON has no
   * Infinity, and `fromJSON` refuses what it cannot resume from).
   */
  optimizerStateJSON(key: string | null): OptimizerStateJSON | undefined {
    const s = this.opt;
    if (!s || s.key !== key) return undefined; // a state from other settings than those saved with it
    if (s.block && this.be.kernels.firstNonFinite(s.block.ptr, s.block.bytes / 4) >= 0) return undefined; // one pass over every array
    return {
      step: s.step,
      pow1: s.pow1,
      pow2: s.pow2,
      arrays: Array.from({ length: s.slots }, (_, j) => {
        const shift = this.#slotShift(s, j);
        return this.layers.map((l) => ({
          weights: Array.from(this.be.read(l.w + shift, l.inputs * l.outputs)),
          bias: Array.from(this.be.read(l.b + shift, l.outputs)),
        }));
      }),
    };
  }

  /**
   * Put a saved state back as the state of `optimizer` (whose saved settings are `settings`), so
   * that the next `train()` with the same settings goes on from it.
   */
  restoreOptimizerState(optimizer: Optimizer, settings: unknown, saved: OptimizerStateJSON, op: string): void {
    const s = this.optimizerState(optimizer, op, true, settings);
    this.configKey = s.key;
    if (s.slots !== saved.arrays.length) {
      throw new Error(`${op}: training.state holds ${saved.arrays.length} state arrays, the optimizer keeps ${s.slots}`);
    }
    Object.assign(s, { step: saved.step, pow1: saved.pow1, pow2: saved.pow2 });
    saved.arrays.forEach((layers, j) => {
      const shift = this.#slotShift(s, j);
      layers.forEach((l, i) => {
        const at = this.layers[i]!;
        this.be.write(at.w + shift, l.weights);
        this.be.write(at.b + shift, l.bias);
      });
    });
  }

  /** Free everything (dispose). */
  release(): void {
    this.disposed = true;
    this.be.release(this.params);
    if (this.ws) this.be.release(this.ws);
    if (this.opt?.block) this.be.release(this.opt.block);
    this.ws = null;
    this.opt = null;
  }
}

/** Which state an optimizer's settings need: its class and `toJSON()` (`settings`, when read already). */
function optimizerKey(optimizer: Optimizer, op: string, settings?: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(settings ?? optimizer.toJSON());
  } catch (e) {
    throw new Error(`${op}: optimizer.toJSON() failed (${(e as Error).message})`);
  }
  return `${optimizer.constructor.name}:${text}`;
}

const registry = new WeakMap<object, NetworkArena>();

/**
 * Attach a network's arena to it (called once, by its constructor).
 *
 * @internal
 */
export function attachArena(net: object, arena: NetworkArena): void {
  registry.set(net, arena);
}

/**
 * The arena of a network (trainer code only).
 *
 * @internal
 */
export function arenaOf(net: object): NetworkArena {
  const a = registry.get(net);
  if (!a) throw new Error('scratchnet: not a NeuralNetwork');
  return a;
}
