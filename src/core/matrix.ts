/**
 * Matrix: a rows×cols float32 matrix, row-major. Either it owns a `Float32Array` on the JS heap
 * (what `Matrix.from`, `forward` and `matmul` return), or it is a live view into a network's
 * arena in WebAssembly memory (`layer.weights`, `layer.bias`, `layer.output`, ...), whose `data`
 * is re-derived whenever linear memory has grown, so it is never a stale, detached view.
 *
 * @module
 */
import { isKernelMemory, MAX_MEMORY_BYTES, type Backend, type Block } from '../backend/heap.js';
import { checkFloat32, describe, typedArrayName } from './validate.js';

/**
 * Anything a public entry point accepts as a matrix: a Matrix or nested arrays of numbers.
 *
 * @example
 * ```ts
 * const a: MatrixLike = [[1, 2], [3, 4]]; matmul(a, Matrix.from([[1], [1]]));
 * ```
 */
export type MatrixLike = Matrix | readonly (readonly number[])[];

/**
 * The most values one Matrix may hold: as many float32 as wasm32 linear memory (4 GiB) can
 * address, so that any matrix can be copied into the kernels' memory.
 *
 * @example
 * ```ts
 * MAX_MATRIX_VALUES; // 1073741824 (2^30): new Matrix(2 ** 16, 2 ** 15) is an Error
 * ```
 * @internal
 */
export const MAX_MATRIX_VALUES = MAX_MEMORY_BYTES / 4;

/** Where a view's values live: `rows * cols` floats at `block.ptr + offset` in linear memory. */
interface ViewSource {
  readonly backend: Backend;
  readonly block: Block;
  readonly offset: number;
  readonly what: string;
}

// The typed-array internals, read from the engine's own getters (captured once), so a subclass or
// an own property cannot make a Float32Array claim another length, buffer or offset.
const typedArrayProto = Object.getPrototypeOf(Float32Array.prototype) as object;
const intrinsic = <T>(key: string) =>
  Object.getOwnPropertyDescriptor(typedArrayProto, key)!.get as (this: unknown) => T;
const lengthOf = intrinsic<number>('length');
const bufferOf = intrinsic<ArrayBufferLike>('buffer');
const byteOffsetOf = intrinsic<number>('byteOffset');
const resizableOf = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')?.get;
const growableOf =
  typeof SharedArrayBuffer === 'function' ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'growable')?.get : undefined;

/** Whether a buffer can change length (a resizable ArrayBuffer or a growable SharedArrayBuffer). */
function lengthCanChange(buffer: ArrayBufferLike): boolean {
  // The getter of the buffer's own kind answers; the other kind's getter throws. An ArrayBuffer
  // (the common case) is asked first, so no exception is made on the way (one costs ~30 µs).
  for (const get of [resizableOf, growableOf]) {
    if (get === undefined) continue;
    try {
      return get.call(buffer) === true;
    } catch {
      // the other kind of buffer
    }
  }
  return false;
}

/** Seal a fixed-length Float32Array against own properties (no own `length` can shadow the real one). */
function sealed(a: Float32Array): Float32Array {
  Object.preventExtensions(a);
  return a;
}

const EMPTY = sealed(new Float32Array(0));

/** Errors this module throws itself, as opposed to errors thrown by a caller's getters or Proxies. */
const ours = new WeakSet<object>();

function fail(message: string): never {
  const e = new Error(message);
  ours.add(e);
  throw e;
}

function mib(values: number): string {
  const bytes = values * 4;
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function checkDims(op: string, rows: unknown, cols: unknown): asserts rows is number {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || (rows as number) < 1 || (cols as number) < 1) {
    fail(`${op}: rows and cols must be positive integers, got ${describe(rows)}x${describe(cols)}`);
  }
  const n = (rows as number) * (cols as number);
  if (n > MAX_MATRIX_VALUES) {
    fail(`${op}: a ${rows}x${cols} matrix would hold ${n} values (${mib(n)}), more than WebAssembly memory can hold (${MAX_MATRIX_VALUES} float32, 4 GiB)`);
  }
}

function allocate(op: string, rows: number, cols: number): Float32Array {
  try {
    return sealed(new Float32Array(rows * cols));
  } catch (cause) {
    const e = new Error(`${op}: could not allocate a ${rows}x${cols} matrix (${mib(rows * cols)})`, { cause });
    ours.add(e);
    throw e;
  }
}

/**
 * Our own view of a caller's Float32Array: the same memory, or a copy when its buffer can change
 * length or is the kernels' memory (an array kept from `layer.weights.data`: the network owns those
 * bytes, and after its dispose() another network may).
 */
function adopt(data: unknown, rows: number, cols: number): Float32Array {
  if (typedArrayName(data) !== 'Float32Array') fail(`Matrix: data must be a Float32Array, got ${describe(data)}`);
  const n = rows * cols;
  const length = lengthOf.call(data);
  if (length !== n) fail(`Matrix: data has ${length} values, a ${rows}x${cols} matrix needs ${n}`);
  const buffer = bufferOf.call(data);
  if (lengthCanChange(buffer) || isKernelMemory(buffer)) {
    const copy = allocate('Matrix', rows, cols);
    copy.set(data as Float32Array);
    return copy;
  }
  return sealed(new Float32Array(buffer, byteOffsetOf.call(data), n));
}

/** A Matrix member used on an object the constructor did not make (`Object.create(Matrix.prototype)`, a Proxy). */
function notMade(member: string): never {
  return fail(`Matrix.${member}: called on an object posing as a Matrix (made without its constructor, or a Proxy of one)`);
}

// Set by matrixView just around `new Matrix`, so the constructor makes a view instead of storage.
let pendingView: ViewSource | null = null;
// Set by ownedMatrix just around `new Matrix`: a fresh array only this module can reach, taken as is.
let pendingOwned: Float32Array | null = null;
let isMatrix = (x: unknown): x is Matrix => x instanceof Matrix;
let canonical = (m: Matrix): Matrix => m;
let ownValuesOf = (_m: Matrix): { rows: number; cols: number; values: Float32Array } | null => null;

/**
 * A dense float32 matrix. Its shape is fixed at construction (`rows` and `cols` are getters over
 * private fields; the object is frozen), and its `data` is always a genuine `Float32Array` of
 * exactly `rows * cols` values.
 *
 * @example
 * ```ts
 * import { Matrix } from 'scratchnet';
 * const m = Matrix.from([[1, 2, 3], [4, 5, 6]]);
 * m.rows;      // 2
 * m.get(1, 2); // 6
 * m.toArray(); // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export class Matrix {
  readonly #rows: number;
  readonly #cols: number;
  #data: Float32Array;
  readonly #view: ViewSource | null;
  #epoch = -1;

  static {
    isMatrix = (x: unknown): x is Matrix => typeof x === 'object' && x !== null && #rows in x;
    // A plain, frozen Matrix over the same storage as `m`, whatever a subclass overrides.
    canonical = (m: Matrix): Matrix => {
      if (plainMatrix(m) !== null) return m;
      if (m.#view !== null) return makeView(m.#view, m.#rows, m.#cols);
      return new Matrix(m.#rows, m.#cols, m.#ownData());
    };
    ownValuesOf = (m: Matrix) => (m.#view !== null ? null : { rows: m.#rows, cols: m.#cols, values: m.#ownData() });
  }

  /**
   * A rows×cols matrix over `data` (row-major), or zeros. `data` is not copied: the matrix keeps
   * its own view of the same memory, so writes through either are seen by both (a Float32Array
   * over a resizable buffer is copied instead, since its length could change). At most 2^30
   * values (what WebAssembly memory can hold).
   *
   * @example
   * ```ts
   * const m = new Matrix(2, 2, new Float32Array([1, 0, 0, 1]));
   * const z = new Matrix(3, 4); // zeros
   * ```
   */
  constructor(rows: number, cols: number, data?: Float32Array) {
    const view = pendingView;
    pendingView = null;
    checkDims('Matrix', rows, cols);
    this.#rows = rows;
    this.#cols = cols;
    this.#view = view;
    const owned = pendingOwned;
    pendingOwned = null;
    this.#data = view !== null ? EMPTY : owned !== null ? sealed(owned) : data === undefined ? allocate('Matrix', rows, cols) : adopt(data, rows, cols);
    if (new.target === Matrix) Object.freeze(this);
  }

  /** Number of rows. */
  get rows(): number {
    if (!isMatrix(this)) notMade('rows');
    return this.#rows;
  }

  /** Number of columns. */
  get cols(): number {
    if (!isMatrix(this)) notMade('cols');
    return this.#cols;
  }

  /**
   * A new matrix from nested arrays (copied), or a copy of another Matrix. Rejects empty, ragged
   * and non-finite input, and values that overflow float32, with an Error naming the position.
   *
   * @example
   * ```ts
   * const X = Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]); // 4x2
   * ```
   */
  static from(values: MatrixLike): Matrix {
    const m = toMatrix(values, 'Matrix.from', 'values');
    return isMatrix(values) ? m.clone() : m;
  }

  /**
   * A rows×cols matrix of zeros.
   *
   * @example
   * ```ts
   * Matrix.zeros(1, 3).toArray(); // [[0, 0, 0]]
   * ```
   */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /**
   * The values, row-major: a `Float32Array` of exactly `rows * cols` values. For a view into
   * WebAssembly memory this is a live view, re-derived after memory growth; read `.data` again
   * rather than keeping the array across calls.
   *
   * @example
   * ```ts
   * Matrix.from([[1, 2], [3, 4]]).data; // Float32Array [1, 2, 3, 4]
   * ```
   */
  get data(): Float32Array {
    if (!isMatrix(this)) notMade('data');
    const v = this.#view;
    if (v === null) return this.#ownData();
    if (v.block.released) fail(`Matrix: ${v.what} belongs to a network or layer that was disposed`);
    if (this.#epoch !== v.backend.epoch) {
      this.#data = sealed(v.backend.f32(v.block.ptr + v.offset, this.#rows * this.#cols));
      this.#epoch = v.backend.epoch;
    }
    return this.#data;
  }

  #ownData(): Float32Array {
    if (lengthOf.call(this.#data) !== this.#rows * this.#cols) {
      fail(`Matrix: the values of this ${this.#rows}x${this.#cols} matrix are gone (its ArrayBuffer was transferred or detached)`);
    }
    return this.#data;
  }

  /**
   * `[rows, cols]`, as NumPy's `.shape`.
   *
   * @example
   * ```ts
   * Matrix.zeros(4, 2).shape; // [4, 2]
   * ```
   */
  get shape(): [number, number] {
    if (!isMatrix(this)) notMade('shape');
    return [this.#rows, this.#cols];
  }

  /**
   * The element at row i, column j.
   *
   * @example
   * ```ts
   * Matrix.from([[1, 2], [3, 4]]).get(1, 0); // 3
   * ```
   */
  get(i: number, j: number): number {
    if (!isMatrix(this)) notMade('get');
    this.#checkIndex('Matrix.get', i, j);
    return this.data[i * this.#cols + j]!;
  }

  /**
   * Set the element at row i, column j (for a view, this writes into the network's weights).
   * The value must be a finite number within the float32 range.
   *
   * @example
   * ```ts
   * const m = Matrix.zeros(2, 2);
   * m.set(0, 1, 5);
   * ```
   */
  set(i: number, j: number, value: number): void {
    if (!isMatrix(this)) notMade('set');
    this.#checkIndex('Matrix.set', i, j);
    checkFloat32('Matrix.set', 'value', value);
    this.data[i * this.#cols + j] = value;
  }

  /**
   * Nested arrays of plain numbers.
   *
   * @example
   * ```ts
   * Matrix.zeros(1, 2).toArray(); // [[0, 0]]
   * ```
   */
  toArray(): number[][] {
    if (!isMatrix(this)) notMade('toArray');
    const d = this.data, cols = this.#cols;
    const out: number[][] = [];
    for (let i = 0; i < this.#rows; i++) out.push(Array.from(d.subarray(i * cols, (i + 1) * cols)));
    return out;
  }

  /**
   * A JS-owned copy (detached from any network).
   *
   * @example
   * ```ts
   * const snapshot = Matrix.from([[1]]).clone();
   * ```
   */
  clone(): Matrix {
    if (!isMatrix(this)) notMade('clone');
    return new Matrix(this.#rows, this.#cols, this.data.slice());
  }

  /**
   * A short description: `Matrix(4x2)`.
   *
   * @example
   * ```ts
   * String(Matrix.zeros(4, 2)); // 'Matrix(4x2)'
   * ```
   */
  toString(): string {
    if (!isMatrix(this)) return 'an object posing as a Matrix';
    return `Matrix(${this.#rows}x${this.#cols})`;
  }

  #checkIndex(op: string, i: number, j: number): void {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= this.#rows || j >= this.#cols) {
      fail(`${op}: index (${describe(i)}, ${describe(j)}) is outside a ${this.#rows}x${this.#cols} matrix`);
    }
  }
}

function makeView(source: ViewSource, rows: number, cols: number): Matrix {
  pendingView = source;
  try {
    return new Matrix(rows, cols);
  } finally {
    pendingView = null;
  }
}

/**
 * A Matrix that takes `data` as its storage, without a check or a second view: only for a fresh
 * Float32Array of exactly rows·cols values that no caller can reach (a result copied out of
 * linear memory).
 *
 * @internal
 */
export function ownedMatrix(rows: number, cols: number, data: Float32Array): Matrix {
  pendingOwned = data;
  try {
    return new Matrix(rows, cols);
  } finally {
    pendingOwned = null;
  }
}

/**
 * The values a Matrix owns, to be written in place (matmul's `out`), with its true shape; null
 * for anything else: a live view into a network's memory (a layer's weights, bias or outputs),
 * which no call writes through, or not a Matrix at all. Runs no user code (a brand check). Throws
 * the named Error when the values were transferred or detached.
 *
 * @example
 * ```ts
 * const m = Matrix.zeros(2, 2);
 * ownValues(m)!.values === m.data;  // true: its own storage
 * ownValues(m)!.rows;               // 2
 * const net = new NeuralNetwork([2, 1], [new Sigmoid()]);
 * ownValues(net.layers[0].weights); // null: a view into the network
 * ownValues([[1, 2]]);              // null: not a Matrix
 * ```
 * @internal
 */
export function ownValues(x: unknown): { rows: number; cols: number; values: Float32Array } | null {
  return isMatrix(x) ? ownValuesOf(x) : null;
}

/**
 * A live rows×cols view of `block.ptr + offset` in linear memory (a layer's weights, bias or
 * cached outputs). Its `data` is re-derived after memory grows, and it throws a named Error once
 * the block is released.
 *
 * @example
 * ```ts
 * import { backend } from '../backend/load.js';
 * const be = backend();                       // after init()
 * const block = be.alloc(6 * 4, 'example');
 * const m = matrixView(be, block, 0, 2, 3, 'example');
 * m.set(1, 2, 5);                             // writes into linear memory
 * m.get(1, 2);                                // 5
 * be.release(block);
 * m.data;                                     // throws 'example': the view names what it was
 * ```
 * @internal
 */
export function matrixView(backend: Backend, block: Block, offset: number, rows: number, cols: number, what: string): Matrix {
  return makeView({ backend, block, offset, what }, rows, cols);
}

/**
 * Check a Matrix that user code returned (a custom Activation's `forward`/`backward`, a custom
 * Loss's `backward`) before its values are written into WebAssembly memory: it must be a genuine
 * Matrix of exactly rows×cols. Returns a plain Matrix over the same storage, read by its true
 * shape (a subclass that overrides `rows`, `cols` or `data` cannot make more values be written
 * than the buffer holds), or throws `${op}: ${who} must return a RxC Matrix, got ...`.
 *
 * @example
 * ```ts
 * const y = returnedMatrix('Square.forward', 'a custom activation', Matrix.zeros(4, 2), 4, 2);
 * y.data.length; // 8: exactly what the kernels' buffer holds
 * returnedMatrix('Square.forward', 'a custom activation', Matrix.zeros(2, 2), 4, 2); // throws 'Square.forward: a custom activation must return a 4x2 Matrix, got a 2x2 Matrix'
 * ```
 * @internal
 */
export function returnedMatrix(op: string, who: string, x: unknown, rows: number, cols: number): Matrix {
  let got: string;
  if (isMatrix(x)) {
    const m = canonical(x);
    if (m.rows === rows && m.cols === cols) return m;
    got = `a ${m.rows}x${m.cols} Matrix`;
  } else {
    let posing = false;
    try {
      posing = x instanceof Matrix;
    } catch {
      // a Proxy whose getPrototypeOf trap throws
    }
    got = posing ? 'an object posing as a Matrix (made without its constructor)' : describe(x);
  }
  return fail(`${op}: ${who} must return a ${rows}x${cols} Matrix, got ${got}`);
}

/**
 * `x` itself when it is a genuine Matrix made by `new Matrix` (not a subclass, not a Proxy, not an
 * object posing as one), so its shape and `data` can be trusted as they are; otherwise null. Runs
 * no user code (a brand check, not `instanceof`).
 *
 * @example
 * ```ts
 * const a: unknown = Matrix.from([[1, 2]]);
 * const A = plainMatrix(a) ?? toMatrix(a, 'matmul', 'a'); // skip the per-element pass for a Matrix
 * A === a; // true
 * plainMatrix([[1, 2]]); // null
 * ```
 * @internal
 */
export function plainMatrix(x: unknown): Matrix | null {
  return isMatrix(x) && Object.getPrototypeOf(x) === Matrix.prototype && Object.isFrozen(x) ? x : null;
}

function errorText(e: unknown): string {
  try {
    if (e instanceof Error) return `${e.name}: ${e.message}`;
  } catch {
    // a Proxy whose getPrototypeOf trap throws
  }
  return describe(e);
}

/**
 * Validate a matrix argument and return it as a Matrix (the same object when it already is a
 * plain Matrix). Throws `${op}: ${name} ...` for empty, ragged, non-numeric, non-finite or
 * float32-overflowing input. Nested arrays are read once, each value validated as it is copied,
 * so a getter or Proxy cannot pass validation with one value and be copied with another; an error
 * thrown by such a getter or Proxy comes back as an Error naming the operation.
 *
 * @example
 * ```ts
 * const x = toMatrix([[1, 2]], 'predict', 'inputs'); // Matrix(1x2)
 * ```
 * @internal
 */
export function toMatrix(x: unknown, op: string, name: string): Matrix {
  if (isMatrix(x)) {
    const m = canonical(x);
    const d = m.data, cols = m.cols;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i]!)) {
        const r = Math.floor(i / cols);
        fail(`${op}: ${name}[${r}][${i - r * cols}] is ${d[i]}, not a finite number`);
      }
    }
    return m;
  }
  let at = name;
  try {
    return fromRows(x, op, name, (where) => (at = where));
  } catch (e) {
    if (ours.has(e as object)) throw e;
    const wrapped = new Error(`${op}: reading ${at} failed (${errorText(e)})`, { cause: e });
    throw wrapped;
  }
}

function arrayLength(op: string, what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`${op}: ${what} has length ${describe(n)}, not a valid array length`);
  return n;
}

function fromRows(x: unknown, op: string, name: string, reading: (where: string) => void): Matrix {
  if (!Array.isArray(x)) fail(`${op}: ${name} must be a Matrix or an array of rows (number[][]), got ${describe(x)}`);
  const rows = arrayLength(op, name, x.length);
  if (rows === 0) fail(`${op}: ${name} is empty (no rows)`);
  reading(`${name}[0]`);
  const first: unknown = x[0];
  if (!Array.isArray(first)) fail(`${op}: ${name} must be an array of rows (number[][]); row 0 is ${describe(first)}`);
  const cols = arrayLength(op, `${name}[0]`, first.length);
  if (cols === 0) fail(`${op}: ${name} is empty (row 0 has no values)`);
  if (rows * cols > MAX_MATRIX_VALUES) {
    fail(`${op}: ${name} is ${rows}x${cols} (${rows * cols} values), more than WebAssembly memory can hold (${MAX_MATRIX_VALUES} float32)`);
  }
  const data = allocate(op, rows, cols);
  for (let i = 0; i < rows; i++) {
    reading(`${name}[${i}]`);
    const row: unknown = i === 0 ? first : x[i];
    if (!Array.isArray(row)) fail(`${op}: ${name} row ${i} is ${describe(row)}, not an array`);
    const length: unknown = i === 0 ? cols : row.length;
    if (length !== cols) fail(`${op}: ${name} is ragged: row ${i} has ${describe(length)} values, row 0 has ${cols}`);
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number') fail(`${op}: ${name}[${i}][${j}] is ${describe(v)}, not a finite number`);
      data[base + j] = v;
      if (!Number.isFinite(data[base + j]!)) {
        fail(`${op}: ${name}[${i}][${j}] is ${v}, ${Number.isFinite(v) ? 'which overflows float32' : 'not a finite number'}`);
      }
    }
  }
  return new Matrix(rows, cols, data);
}
