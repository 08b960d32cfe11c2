/**
 * Dataset: training data copied into WebAssembly memory once, and checked once, so that calling
 * `train()` again and again on the same data (one call per epoch, to log or evaluate) pays
 * nothing proportional to its size. A Dataset is immutable: its block of linear memory belongs to
 * it, training only reads it, and nothing can write it, so its values never need a second check.
 * It is freed by `dispose()`, or, as a backstop, when it is garbage-collected.
 *
 * @module
 */
import type { Backend, Block } from '../backend/heap.js';
import { currentBackend } from '../backend/load.js';
import { Matrix, plainMatrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { checkFiniteCopy, readMatrix } from '../core/scratch.js';
import { align4 } from '../nn/buffers.js';
import { targetCheck, type Loss } from '../nn/losses.js';

type TargetCheck = NonNullable<ReturnType<typeof targetCheck>>;

/**
 * A Dataset's rows in linear memory and what training needs to know about them.
 *
 * @internal
 */
export class DatasetMemory {
  /** Trainings reading the block right now (dispose() is refused meanwhile). */
  users = 0;
  disposed = false;
  /** Garbage-collected while a training still read it: freed when that training ends. */
  private orphaned = false;
  /** The target checks (one per loss kind) y has passed: not run again. */
  private readonly passed = new Set<TargetCheck>();

  constructor(
    readonly be: Backend,
    private readonly block: Block,
    readonly rows: number,
    readonly inputSize: number,
    readonly outputSize: number,
  ) {}

  /** Where x's rows start (pointer; derive views from it fresh, memory may have grown). */
  get x(): number {
    return this.block.ptr;
  }

  /** Where y's rows start. */
  get y(): number {
    return this.block.ptr + align4(this.rows * this.inputSize) * 4;
  }

  /**
   * Throw what `train()` would on matrices when y has a value `loss` does not accept; with
   * `split` > 0, its last `split` rows are validation rows (numbered and named as such). A check
   * y passed once is remembered: the data cannot change.
   */
  checkTargets(loss: Loss, op: string, split = 0): void {
    const check = targetCheck(loss);
    if (!check || this.passed.has(check)) return;
    const Y = readMatrix(this.be, this.y, this.rows, this.outputSize), cols = this.outputSize;
    const n = this.rows - split;
    if (!split) check(Y, op);
    else {
      check(new Matrix(n, cols, Y.data.subarray(0, n * cols)), op);
      check(new Matrix(split, cols, Y.data.subarray(n * cols)), `${op}: validation`);
    }
    this.passed.add(check);
  }

  /** A training starts reading the block. */
  acquire(): void {
    this.users++;
  }

  /** A training has stopped reading the block. */
  unuse(): void {
    if (--this.users === 0 && this.orphaned) this.free();
  }

  /** Free the block (dispose, or the garbage collector once no training reads it). */
  free(): void {
    this.disposed = true;
    if (this.users) this.orphaned = true;
    else this.be.release(this.block);
  }
}

/** Frees the block of a Dataset that was garbage-collected without dispose(). */
const collected =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<DatasetMemory>((m) => m.free()) : null;

let memoryOf: (d: Dataset) => DatasetMemory;
let isDatasetBrand: (x: unknown) => boolean;

/** The memory of `self`, a Dataset's member's `this` (a brand check: a look-alike gets a named Error). */
function own(self: unknown, member: string): DatasetMemory {
  if (!isDatasetBrand(self)) throw new Error(`Dataset.${member}: called on an object that is not a Dataset (made without its constructor)`);
  return memoryOf(self as Dataset);
}

/**
 * Training data that lives in WebAssembly memory: inputs `x` (one row per sample) and targets
 * `y` (same number of rows), copied in once and checked once (every value finite), then given to
 * `train()` / `trainAsync()` as often as you like without being copied or checked again. The
 * Dataset is immutable (its shape and values are fixed) and owns its memory: free it with
 * `dispose()` when done (an unreferenced Dataset is also freed when garbage-collected, but the
 * collector may run late). It can be used by any network whose input and output sizes match, and
 * stays valid across `setThreads` and `shutdown` (they keep the memory). Build it after `init()`.
 *
 * @example
 * ```ts
 * import { init, Dataset, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
 * await init();
 * const data = new Dataset([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]);
 * const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
 * for (let epoch = 0; epoch < 3; epoch++) net.train(data, { epochs: 100, learningRate: 0.5 }); // no copy per call
 * data.rows; // 4
 * data.dispose();
 * ```
 */
export class Dataset {
  readonly #memory: DatasetMemory;

  static {
    memoryOf = (d) => d.#memory;
    isDatasetBrand = (x) => typeof x === 'object' && x !== null && #memory in x;
  }

  /**
   * Copy `x` (n×inputSize) and `y` (n×outputSize) into WebAssembly memory and check them:
   * at least one row, the same number of rows, every value a finite float32. A bad value is
   * reported as `Dataset: x[r][c] is NaN, not a finite number` (or `y[r][c]`); nothing is kept.
   * Later changes to the arrays or matrices given are not seen by the Dataset.
   *
   * @example
   * ```ts
   * const train = new Dataset(Matrix.from([[0, 0], [1, 1]]), [[0], [1]]);
   * train.inputSize; // 2
   * ```
   */
  constructor(x: MatrixLike, y: MatrixLike) {
    const op = 'Dataset', be = currentBackend();
    if (!be) throw new Error(`${op}: call \`await init()\` once before making a Dataset (its data lives in the kernels' memory)`);
    // A Matrix is float32 already: its values are checked by one SIMD pass over the copy.
    const X = plainMatrix(x) ?? toMatrix(x, op, 'x');
    const Y = plainMatrix(y) ?? toMatrix(y, op, 'y');
    if (Y.rows !== X.rows) throw new Error(`${op}: x has ${X.rows} rows but y has ${Y.rows}`);
    const xFloats = align4(X.rows * X.cols);
    const block = be.alloc((xFloats + align4(Y.rows * Y.cols)) * 4, `${op}: ${X.rows}x${X.cols} inputs and ${Y.rows}x${Y.cols} targets`);
    try {
      // `.data` read after alloc: a Matrix viewing WebAssembly memory re-derives it after growth
      be.write(block.ptr, X.data);
      if (X === x) checkFiniteCopy(be, block.ptr, X, op, 'x');
      be.write(block.ptr + xFloats * 4, Y.data);
      if (Y === y) checkFiniteCopy(be, block.ptr + xFloats * 4, Y, op, 'y');
    } catch (e) {
      be.release(block);
      throw e;
    }
    this.#memory = new DatasetMemory(be, block, X.rows, X.cols, Y.cols);
    collected?.register(this, this.#memory, this);
    if (new.target === Dataset) Object.freeze(this);
  }

  /**
   * Number of rows (samples). Still readable after `dispose()`.
   *
   * @example
   * ```ts
   * new Dataset([[1, 2], [3, 4], [5, 6]], [[0], [1], [0]]).rows; // 3
   * ```
   */
  get rows(): number {
    return own(this, 'rows').rows;
  }

  /**
   * Columns of x: the network's input size. Still readable after `dispose()`.
   *
   * @example
   * ```ts
   * new Dataset([[1, 2, 3]], [[1, 0]]).inputSize; // 3
   * ```
   */
  get inputSize(): number {
    return own(this, 'inputSize').inputSize;
  }

  /**
   * Columns of y: the network's output size. Still readable after `dispose()`.
   *
   * @example
   * ```ts
   * new Dataset([[1, 2, 3]], [[1, 0]]).outputSize; // 2
   * ```
   */
  get outputSize(): number {
    return own(this, 'outputSize').outputSize;
  }

  /**
   * Whether `dispose()` was called (then training on it, or `toMatrices()`, throws).
   *
   * @example
   * ```ts
   * const d = new Dataset([[1]], [[1]]);
   * d.dispose();
   * d.disposed; // true
   * ```
   */
  get disposed(): boolean {
    return own(this, 'disposed').disposed;
  }

  /**
   * Copies of the data, as new JavaScript-owned matrices (changing them does not change the
   * Dataset). Throws after `dispose()`.
   *
   * @example
   * ```ts
   * const { x, y } = new Dataset([[1, 2]], [[3]]).toMatrices();
   * x.toArray(); // [[1, 2]]
   * y.toArray(); // [[3]]
   * ```
   */
  toMatrices(): { x: Matrix; y: Matrix } {
    const m = own(this, 'toMatrices');
    if (m.disposed) throw new Error('Dataset.toMatrices: this Dataset was disposed');
    return { x: readMatrix(m.be, m.x, m.rows, m.inputSize), y: readMatrix(m.be, m.y, m.rows, m.outputSize) };
  }

  /**
   * Free the Dataset's WebAssembly memory. Calling it twice is harmless. While a `train()` or
   * `trainAsync()` reads the Dataset (inside its callbacks, or before its promise settles) it
   * throws and frees nothing: dispose after training returns.
   *
   * @example
   * ```ts
   * const d = new Dataset([[0], [1]], [[1], [0]]);
   * d.dispose();
   * ```
   */
  dispose(): void {
    const m = own(this, 'dispose');
    if (m.disposed) return;
    if (m.users) {
      throw new Error(
        'Dataset.dispose: this Dataset is in use: a train() or trainAsync() is reading it. Dispose it after ' +
          'training returns (to stop training early, return false from onEpoch/onBatch or abort its signal)',
      );
    }
    collected?.unregister(this);
    m.free();
  }
}

/**
 * Whether `x` is a Dataset (a brand check: runs no user code).
 *
 * @internal
 */
export function isDataset(x: unknown): x is Dataset {
  return isDatasetBrand(x);
}

/**
 * A Dataset's memory, for training on it with a network on `be`: throws a clear Error if it was
 * disposed or lives in another backend's memory.
 *
 * @internal
 */
export function datasetMemory(d: Dataset, be: Backend, op: string, role: string): DatasetMemory {
  const m = memoryOf(d);
  if (m.disposed) throw new Error(`${op}: the ${role} Dataset was disposed; make a new one (new Dataset(x, y))`);
  if (m.be !== be) {
    throw new Error(`${op}: the ${role} Dataset lives in the memory of another WebAssembly backend than the network's; make it again (new Dataset(x, y)) after init()`);
  }
  return m;
}
