/**
 * Layer: the chapter's dense layer, `z = x·W + b; y = activation(z)`, with its weights in
 * WebAssembly memory. Read it next to the chapter: `forward` and `backward` below are the
 * chapter's, and the arithmetic is in `./buffers.ts` through named kernel calls (plain-TypeScript
 * twins of every kernel: src/reference/dense.ts, gemm.ts, bias.ts, activations.ts).
 *
 * @module
 */
import { Activation } from './activations.js';
import { backend } from '../backend/load.js';
import type { Backend, Block } from '../backend/heap.js';
import { Matrix, matrixView, toMatrix, type MatrixLike } from '../core/matrix.js';
import { checkSize, describe, FLOAT32_MAX, readOptions } from '../core/validate.js';
import { globalRandom, RandomState } from '../core/random.js';
import { readMatrix } from '../core/scratch.js';
import { attachBuffers, LayerBuffers } from './buffers.js';

/**
 * Who owns a layer's memory: the layer itself, or the network it belongs to.
 *
 * @internal
 */
export interface LayerOwner {
  readonly disposed: boolean;
  /** Throw when the owner is busy (a network in training) and must not be touched by `op`. */
  checkIdle(op: string): void;
  /** Make sure every layer of the owner has buffers for a batch of `rows` (`owner`: the op holding it busy). */
  ensureWorkspace(rows: number, op: string, owner?: string): void;
  /** Run `fn` with the owner busy as `op`: code it calls (a custom activation) cannot dispose or resize it. */
  use<T>(op: string, fn: () => T): T;
}

/** An owner's busy state: the op holding it, and whether that op runs (`use`) rather than trains. */
interface BusyState {
  busy: string | null;
  running: boolean;
  checkIdle(op: string): void;
}

/**
 * Run `fn` holding `holder` busy as `op` (checked idle first), for `LayerOwner.use`: code it calls
 * (a custom activation) gets {@link runningError} instead of disposing or resizing the owner.
 *
 * @internal
 */
export function holdBusy<T>(holder: BusyState, op: string, fn: () => T): T {
  holder.checkIdle(op);
  holder.busy = op;
  holder.running = true;
  try {
    return fn();
  } finally {
    holder.busy = null;
    holder.running = false;
  }
}

/**
 * The Error for `op` called back into a network or layer that `holder` (predict, forward,
 * backward) is running on.
 *
 * @internal
 */
export function runningError(op: string, holder: string, what: 'network' | 'layer'): Error {
  return new Error(`${op}: this ${what} is busy: ${holder} is running on it, and code it calls (a custom activation) cannot ${op.split(/[.:]/)[1] ?? 'use'} it meanwhile`);
}

/**
 * Weight initialization: `'chapter'` (randn·0.01), `'xavier'` (Glorot normal, std √(2/(in+out))),
 * `'he'` (std √(2/in)), or a number (randn·scale).
 *
 * @example
 * ```ts
 * new NeuralNetwork([2, 16, 1], [new ReLU(), new Sigmoid()], { init: 'he' });
 * ```
 */
export type Init = 'chapter' | 'xavier' | 'he' | number;

/**
 * The standard deviation an Init gives a layer.
 *
 * @internal
 */
export function initScale(init: unknown, inputSize: number, outputSize: number, op: string): number {
  if (init === undefined || init === 'chapter') return 0.01;
  if (init === 'xavier') return Math.sqrt(2 / (inputSize + outputSize));
  if (init === 'he') return Math.sqrt(2 / inputSize);
  if (typeof init === 'number' && Number.isFinite(init) && init >= 0 && init <= MAX_INIT_SCALE) return init;
  throw new Error(
    `${op}: init must be 'chapter', 'xavier', 'he' or a scale in [0, ${MAX_INIT_SCALE.toPrecision(3)}] (larger scales make weights beyond float32), got ${describe(init)}`,
  );
}

/**
 * The largest `init` scale: `RandomState.randn` (the polar method on 53-bit uniforms) never
 * exceeds 12.01 in magnitude, so randn·scale stays a finite float32.
 */
const MAX_INIT_SCALE = FLOAT32_MAX / 12.01;

/**
 * Options for a standalone {@link Layer}.
 *
 * @example
 * ```ts
 * new Layer(3, 2, new Tanh(), { rng: new RandomState(7), init: 'xavier' });
 * ```
 */
export interface LayerOptions {
  /** Generator for the initial weights (default: the global one, see `seed()`). */
  rng?: RandomState;
  /** Weight initialization (default `'chapter'`: randn·0.01). */
  init?: Init;
}

/** Where a network places a layer: set only by `networkLayer` while it constructs one. */
interface Placement {
  owner: LayerOwner;
  block: Block;
  offset: number;
  inputFrom: LayerBuffers | null;
}
let placement: Placement | null = null;

/**
 * Construct a layer that lives in a network's arena (the network owns and frees its memory).
 *
 * @internal
 */
export function networkLayer(inputSize: number, outputSize: number, activation: Activation, options: LayerOptions, where: Placement): Layer {
  placement = where;
  try {
    return new Layer(inputSize, outputSize, activation, options);
  } finally {
    placement = null;
  }
}

/**
 * A fully connected layer, as in the chapter: `weights` (inputSize×outputSize) drawn as
 * `randn(in, out) * 0.01`, `bias` (1×outputSize) zero, `forward(x)` caching its input and
 * pre-activation, and `backward(gradOutput)` returning `[gradInput, gradWeights, gradBias]`.
 *
 * @example
 * ```ts
 * import { init, Layer, ReLU } from 'scratchnet';
 * await init();
 * const layer = new Layer(2, 3, new ReLU());
 * const out = layer.forward([[1, 2]]);                   // 1x3
 * const [gIn, gW, gB] = layer.backward([[1, 1, 1]]);     // 1x2, 2x3, 1x3
 * layer.dispose();
 * ```
 */
export class Layer {
  /** Number of inputs (rows of `weights`). */
  readonly inputSize: number;
  /** Number of outputs (columns of `weights`). */
  readonly outputSize: number;
  /** The activation applied after `x · W + b`. */
  readonly activation: Activation;

  readonly #be: Backend;
  readonly #buf: LayerBuffers;
  readonly #owner: LayerOwner;
  readonly #ownsMemory: boolean;
  #disposed = false;
  #wsRows = 0;
  readonly #weights: Matrix;
  readonly #bias: Matrix;

  constructor(inputSize: number, outputSize: number, activation: Activation, options: LayerOptions = {}) {
    const where = placement;
    placement = null;
    const op = where ? 'NeuralNetwork' : 'Layer';
    checkSize(op, 'inputSize', inputSize);
    checkSize(op, 'outputSize', outputSize);
    if (!(activation instanceof Activation)) {
      throw new Error(`${op}: activation must be an Activation (e.g. new ReLU()), got ${describe(activation)}`);
    }
    if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${describe(options)}`);
    const o = readOptions(op, options, ['rng', 'init']) as LayerOptions;
    const rng = o.rng ?? globalRandom;
    if (!(rng instanceof RandomState)) throw new Error(`${op}: options.rng must be a RandomState`);
    const scale = initScale(o.init, inputSize, outputSize, op);
    this.#be = backend();
    const block = where ? where.block : this.#be.alloc(LayerBuffers.paramFloats(inputSize, outputSize) * 4, `Layer(${inputSize}, ${outputSize})`);
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.activation = activation;
    this.#owner = where ? where.owner : this.#selfOwner();
    this.#ownsMemory = !where;
    this.#buf = new LayerBuffers(this.#be, inputSize, outputSize, activation, block, where ? where.offset : 0);
    this.#buf.inputFrom = where ? where.inputFrom : null;
    attachBuffers(this, this.#buf);
    const what = `Layer(${inputSize}, ${outputSize})`;
    const off = where ? where.offset : 0;
    this.#weights = matrixView(this.#be, block, off, inputSize, outputSize, `${what}.weights`);
    this.#bias = matrixView(this.#be, block, off + (this.#buf.b - this.#buf.w), 1, outputSize, `${what}.bias`);
    // The chapter: weights = np.random.randn(input_size, output_size) * 0.01; bias = zeros.
    const w = rng.randnArray(inputSize * outputSize);
    for (let i = 0; i < w.length; i++) w[i] = w[i]! * scale;
    this.#weights.data.set(w);
    this.#bias.data.fill(0);
  }

  /** The weights, inputSize×outputSize: a live view (writes change the layer). */
  get weights(): Matrix {
    this.#checkLive('Layer.weights');
    return this.#weights;
  }

  /** The bias, 1×outputSize: a live view. */
  get bias(): Matrix {
    this.#checkLive('Layer.bias');
    return this.#bias;
  }

  /** The input of the last forward pass (a live view), or null before any. */
  get input(): Matrix | null {
    const b = this.#buf;
    if (b.inputFrom && b.x !== b.xOwn) return this.#cacheView(b.inputFrom.y, this.inputSize, 'input');
    // A full-batch training run reads its rows where they are (a Dataset's block, or the run's
    // copy of the data): read from a callback, the input is those rows, copied into this
    // layer's own input buffer (the view never reaches memory the layer does not own)
    if (!b.inputFrom && b.x !== b.xOwn && b.rows && b.ws) this.#be.copy(b.xOwn, b.x, b.rows * this.inputSize);
    return this.#cacheView(b.xOwn, this.inputSize, 'input');
  }

  /** `x · W + b` of the last forward pass (the chapter's `activation_input`), or null. */
  get activationInput(): Matrix | null {
    return this.#cacheView(this.#buf.z, this.outputSize, 'activationInput');
  }

  /** The output of the last forward pass (a live view), or null. */
  get output(): Matrix | null {
    return this.#cacheView(this.#buf.y, this.outputSize, 'output');
  }

  /** Whether `dispose()` was called (on this layer or its network). */
  get disposed(): boolean {
    return this.#ownsMemory ? this.#disposed : this.#owner.disposed;
  }

  /**
   * The forward pass: `activation(x · W + b)`. Caches the input and pre-activation for
   * `backward`, and returns a copy of the output.
   *
   * @example
   * ```ts
   * const layer = new Layer(2, 1, new Sigmoid());
   * layer.forward([[0, 1], [1, 0]]).rows; // 2
   * ```
   */
  forward(x: MatrixLike): Matrix {
    const op = 'Layer.forward';
    this.#checkLive(op);
    this.#owner.checkIdle(op);
    const X = toMatrix(x, op, 'input');
    if (X.cols !== this.inputSize) throw new Error(`${op}: input has ${X.cols} columns, layer expects ${this.inputSize}`);
    return this.#owner.use(op, () => {
      this.#owner.ensureWorkspace(X.rows, op, op);
      const b = this.#buf;
      this.#be.write(b.xOwn, X.data);
      b.x = b.xOwn;
      b.forward(X.rows); // z = x·W + b; y = activation(z)
      this.#be.checkThreads(op);
      return readMatrix(this.#be, b.y, X.rows, this.outputSize);
    });
  }

  /**
   * The backward pass for a gradient with respect to this layer's output: returns
   * `[gradInput, gradWeights, gradBias]` (copies) and, as in the chapter, changes no weight.
   *
   * @example
   * ```ts
   * layer.forward([[1, 2]]);
   * const [gradInput, gradWeights, gradBias] = layer.backward([[0.5]]);
   * ```
   */
  backward(gradOutput: MatrixLike): [Matrix, Matrix, Matrix] {
    const op = 'Layer.backward';
    this.#checkLive(op);
    this.#owner.checkIdle(op);
    const G = toMatrix(gradOutput, op, 'gradOutput');
    const b = this.#buf, rows = b.rows;
    if (!rows) throw new Error(`${op}: no forward pass to differentiate; call forward() first`);
    if (G.rows !== rows || G.cols !== this.outputSize) {
      throw new Error(`${op}: gradOutput is ${G.rows}x${G.cols}, the last forward pass produced ${rows}x${this.outputSize}`);
    }
    const be = this.#be;
    return this.#owner.use(op, () => {
      be.write(b.g, G.data);
      // grad = gradOutput ⊙ activation'(z); gradWeights = xᵀ·grad; gradBias = Σ grad; gradInput = grad·Wᵀ
      b.backward(b.dxOwn, false);
      be.checkThreads(op);
      return [readMatrix(be, b.dxOwn, rows, this.inputSize), readMatrix(be, b.dw, this.inputSize, this.outputSize), readMatrix(be, b.db, 1, this.outputSize)];
    });
  }

  /**
   * Free this layer's WebAssembly memory (a layer inside a network is freed by the network's
   * `dispose()`). Any later use throws.
   *
   * @example
   * ```ts
   * const layer = new Layer(2, 2, new ReLU());
   * layer.dispose();
   * ```
   */
  dispose(): void {
    if (!this.#ownsMemory) throw new Error('Layer.dispose: this layer belongs to a NeuralNetwork; dispose the network instead');
    if (this.#disposed) return;
    this.#owner.checkIdle('Layer.dispose');
    this.#disposed = true;
    this.#be.release(this.#buf.params);
    if (this.#buf.ws) this.#be.release(this.#buf.ws);
    this.#buf.ws = null;
  }

  /** A standalone layer owns its batch buffers. */
  #selfOwner(): LayerOwner {
    const layer = this;
    const owner: LayerOwner & BusyState = {
      busy: null, // the op running on the layer (its forward/backward)
      running: false,
      get disposed() {
        return layer.#disposed;
      },
      checkIdle: (op) => {
        if (owner.busy) throw runningError(op, owner.busy, 'layer');
      },
      use: (op, fn) => holdBusy(owner, op, fn),
      ensureWorkspace: (rows, op) => {
        const b = layer.#buf;
        if (b.ws && rows <= layer.#wsRows) return;
        const block = layer.#be.alloc(LayerBuffers.workspaceFloats(layer.inputSize, layer.outputSize, rows) * 4, op);
        if (b.ws) layer.#be.release(b.ws);
        layer.#wsRows = rows;
        b.bind(block, block.ptr, rows);
      },
    };
    return owner;
  }

  #cacheView(ptr: number, cols: number, name: string): Matrix | null {
    this.#checkLive(`Layer.${name}`);
    const b = this.#buf;
    if (!b.rows || !b.ws) return null;
    const ws = b.inputFrom && ptr === b.inputFrom.y ? b.inputFrom.ws! : b.ws;
    return matrixView(this.#be, ws, ptr - ws.ptr, b.rows, cols, `Layer.${name}`);
  }

  #checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: this layer was disposed`);
  }
}
