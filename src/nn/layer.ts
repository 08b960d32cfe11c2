/**
 * Layer: the chapter's dense layer, `activation(x · W + b)`, with its weights in WebAssembly
 * memory and every product, bias add and activation done by kernels.
 *
 * @module
 */
import { Activation, KernelActivation } from './activations.js';
import { backend } from '../backend/load.js';
import { type Backend, type Block } from '../backend/heap.js';
import { Matrix, describe, toMatrix, type MatrixLike } from '../core/matrix.js';
import { globalRandom, RandomState } from '../core/random.js';
import { readMatrix } from '../backend/scratch.js';

/**
 * Round a float count up to a multiple of 4 (16 bytes), so every buffer is SIMD-aligned.
 *
 * @internal
 */
export const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * Who owns a layer's memory: the layer itself, or the network it belongs to.
 *
 * @internal
 */
export interface LayerOwner {
  readonly disposed: boolean;
  /** Make sure every layer of the owner has buffers for a batch of `rows`. */
  ensureWorkspace(rows: number, op: string): void;
}

/** @internal Where a network places a layer's parameters. */
export interface ParamPlacement {
  owner: LayerOwner;
  block: Block;
  offset: number;
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
  if (typeof init === 'number' && Number.isFinite(init) && init >= 0) return init;
  throw new Error(`${op}: init must be 'chapter', 'xavier', 'he' or a scale ≥ 0, got ${describe(init)}`);
}

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
  /** @internal Set by NeuralNetwork: the layer lives in the network's arena. */
  placement?: ParamPlacement;
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
export class Layer implements LayerOwner {
  /** Number of inputs (rows of `weights`). */
  readonly inputSize: number;
  /** Number of outputs (columns of `weights`). */
  readonly outputSize: number;
  /** The activation applied after `x · W + b`. */
  readonly activation: Activation;

  /** @internal */ readonly _be: Backend;
  /** @internal */ readonly _owner: LayerOwner;
  private readonly paramBlock: Block;
  private readonly ownsMemory: boolean;
  private ws: Block | null = null;
  private wsRows = 0;
  private _disposed = false;
  private readonly weightsView: Matrix;
  private readonly biasView: Matrix;

  // Pointers into linear memory. Parameters never move; workspace pointers change on relayout.
  /** @internal */ readonly _w: number;
  /** @internal */ readonly _b: number;
  /** @internal */ readonly _dw: number;
  /** @internal */ readonly _db: number;
  /** @internal */ _xOwn = 0;
  /** @internal */ _z = 0;
  /** @internal */ _y = 0;
  /** @internal */ _g = 0;
  /** @internal */ _dxOwn = 0;
  /** @internal Pointer of the current input: _xOwn, or the previous layer's _y. */
  _x = 0;
  /** @internal The layer whose output is this layer's input in a network (null: own buffer). */
  _inputFrom: Layer | null = null;
  /** @internal Rows of the cached forward pass (0: none). */
  _rows = 0;
  private wsBlock: Block | null = null;

  constructor(inputSize: number, outputSize: number, activation: Activation, options: LayerOptions = {}) {
    checkSize('Layer', 'inputSize', inputSize);
    checkSize('Layer', 'outputSize', outputSize);
    if (!(activation instanceof Activation)) {
      throw new Error(`Layer: activation must be an Activation (e.g. new ReLU()), got ${describe(activation)}`);
    }
    const rng = options.rng ?? globalRandom;
    if (!(rng instanceof RandomState)) throw new Error('Layer: options.rng must be a RandomState');
    const scale = initScale(options.init, inputSize, outputSize, options.placement ? 'NeuralNetwork' : 'Layer');
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.activation = activation;
    const p = options.placement;
    if (p) {
      this._be = backend();
      this._owner = p.owner;
      this.paramBlock = p.block;
      this.ownsMemory = false;
    } else {
      this._be = backend();
      this._owner = this;
      this.paramBlock = this._be.alloc(Layer.paramFloats(inputSize, outputSize) * 4, `Layer(${inputSize}, ${outputSize})`);
      this.ownsMemory = true;
    }
    const off = p ? p.offset : 0;
    const wN = align4(inputSize * outputSize), bN = align4(outputSize);
    const base = this.paramBlock.ptr + off;
    this._w = base;
    this._b = base + wN * 4;
    this._dw = base + (wN + bN) * 4;
    this._db = base + (2 * wN + bN) * 4;
    const what = `Layer(${inputSize}, ${outputSize})`;
    this.weightsView = Matrix._view(this._be, this.paramBlock, off, inputSize, outputSize, `${what}.weights`);
    this.biasView = Matrix._view(this._be, this.paramBlock, off + wN * 4, 1, outputSize, `${what}.bias`);
    // The chapter: weights = np.random.randn(input_size, output_size) * 0.01; bias = zeros.
    const w = rng.randnArray(inputSize * outputSize);
    for (let i = 0; i < w.length; i++) w[i] = w[i]! * scale;
    this.weightsView.data.set(w);
    this.biasView.data.fill(0);
  }

  /** @internal Floats of parameters and their gradients: W, b, dW, db (each 16-byte aligned). */
  static paramFloats(inputSize: number, outputSize: number): number {
    return 2 * (align4(inputSize * outputSize) + align4(outputSize));
  }

  /** @internal Floats of batch buffers for `rows`: own input, z, y, g, own input gradient. */
  static workspaceFloats(inputSize: number, outputSize: number, rows: number): number {
    return 2 * align4(rows * inputSize) + 3 * align4(rows * outputSize);
  }

  /** @internal Point this layer's batch buffers at `ptr` (a block with workspaceFloats room). */
  _bindWorkspace(block: Block, ptr: number, rows: number): void {
    const inN = align4(rows * this.inputSize), outN = align4(rows * this.outputSize);
    this.wsBlock = block;
    this._xOwn = ptr;
    this._z = ptr + inN * 4;
    this._y = this._z + outN * 4;
    this._g = this._y + outN * 4;
    this._dxOwn = this._g + outN * 4;
    this._x = this._inputFrom ? this._inputFrom._y : this._xOwn;
    this._rows = 0;
  }

  /** The weights, inputSize×outputSize: a live view (writes change the layer). */
  get weights(): Matrix {
    this.checkLive('Layer.weights');
    return this.weightsView;
  }

  /** The bias, 1×outputSize: a live view. */
  get bias(): Matrix {
    this.checkLive('Layer.bias');
    return this.biasView;
  }

  /** The input of the last forward pass (a live view), or null before any. */
  get input(): Matrix | null {
    if (this._inputFrom && this._x !== this._xOwn) return this._rows ? this._inputFrom.output : null;
    return this.cacheView(this._xOwn, this.inputSize, 'input');
  }

  /** `x · W + b` of the last forward pass (the chapter's `activation_input`), or null. */
  get activationInput(): Matrix | null {
    return this.cacheView(this._z, this.outputSize, 'activationInput');
  }

  /** The output of the last forward pass (a live view), or null. */
  get output(): Matrix | null {
    return this.cacheView(this._y, this.outputSize, 'output');
  }

  private cacheView(ptr: number, cols: number, name: string): Matrix | null {
    this.checkLive(`Layer.${name}`);
    if (!this._rows || !this.wsBlock) return null;
    return Matrix._view(this._be, this.wsBlock, ptr - this.wsBlock.ptr, this._rows, cols, `Layer.${name}`);
  }

  /** Whether `dispose()` was called (on this layer or its network). */
  get disposed(): boolean {
    return this._owner === this ? this._disposed : this._owner.disposed;
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
    this.checkLive('Layer.forward');
    const X = toMatrix(x, 'Layer.forward', 'input');
    if (X.cols !== this.inputSize) {
      throw new Error(`Layer.forward: input has ${X.cols} columns, layer expects ${this.inputSize}`);
    }
    this._owner.ensureWorkspace(X.rows, 'Layer.forward');
    this._be.write(this._xOwn, X.data);
    this._x = this._xOwn;
    this._forwardRows(X.rows);
    this._be.checkThreads('Layer.forward');
    return readMatrix(this._be, this._y, X.rows, this.outputSize);
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
    this.checkLive('Layer.backward');
    const G = toMatrix(gradOutput, 'Layer.backward', 'gradOutput');
    if (!this._rows) throw new Error('Layer.backward: no forward pass to differentiate; call forward() first');
    if (G.rows !== this._rows || G.cols !== this.outputSize) {
      throw new Error(
        `Layer.backward: gradOutput is ${G.rows}x${G.cols}, the last forward pass produced ${this._rows}x${this.outputSize}`,
      );
    }
    const be = this._be;
    be.write(this._g, G.data);
    this._backwardRows(this._dxOwn, false);
    be.checkThreads('Layer.backward');
    return [
      readMatrix(be, this._dxOwn, this._rows, this.inputSize),
      readMatrix(be, this._dw, this.inputSize, this.outputSize),
      readMatrix(be, this._db, 1, this.outputSize),
    ];
  }

  /** @internal z = x·W + b; y = f(z), for `rows` rows at `_x`. */
  _forwardRows(rows: number): void {
    const k = this._be.kernels, act = this.activation;
    if (act instanceof KernelActivation) {
      // one kernel: the gemm with bias and activation fused as its epilogue
      k.denseForward(this._z, this._y, this._x, this._w, this._b, rows, this.outputSize, this.inputSize, act._kernelId, act.alpha);
    } else {
      k.gemm(this._z, this._x, this._w, rows, this.outputSize, this.inputSize, 0, 0);
      k.addBiasRows(this._z, this._z, this._b, rows, this.outputSize);
      act._forward(this._be, this._y, this._z, rows, this.outputSize);
    }
    this._rows = rows;
  }

  /**
   * @internal From the gradient at the output (in `_g`): g = gradOutput ⊙ f'(z) (skipped when
   * `_g` already holds the gradient at z, as the fused softmax cross-entropy provides), then
   * dW = xᵀ·g, db = Σ rows g, and dx = g·Wᵀ into `dx` unless dx is 0.
   */
  _backwardRows(dx: number, gradIsAtPreactivation: boolean): void {
    const be = this._be, k = be.kernels, rows = this._rows, out = this.outputSize, inp = this.inputSize;
    if (!gradIsAtPreactivation) this.activation._backward(be, this._g, this._g, this._z, this._y, rows, out);
    k.gemm(this._dw, this._x, this._g, inp, out, rows, 1, 0);
    k.sumColumns(this._db, this._g, rows, out);
    if (dx !== 0) k.gemm(dx, this._g, this._w, rows, inp, out, 0, 1);
  }

  /** @internal (LayerOwner) Standalone layers own their batch buffers. */
  ensureWorkspace(rows: number, op: string): void {
    if (this.ws && rows <= this.wsRows) return;
    const block = this._be.alloc(Layer.workspaceFloats(this.inputSize, this.outputSize, rows) * 4, op);
    if (this.ws) this._be.release(this.ws);
    this.ws = block;
    this.wsRows = rows;
    this._bindWorkspace(block, block.ptr, rows);
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
    if (!this.ownsMemory) {
      throw new Error('Layer.dispose: this layer belongs to a NeuralNetwork; dispose the network instead');
    }
    if (this._disposed) return;
    this._disposed = true;
    this._be.release(this.paramBlock);
    if (this.ws) this._be.release(this.ws);
    this.ws = null;
  }

  /** @internal Throw when the memory of this layer was released. */
  checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: this layer was disposed`);
  }
}

/**
 * Throw unless `v` is a positive integer.
 *
 * @internal
 */
export function checkSize(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  }
}
