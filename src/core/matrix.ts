/**
 * Matrix: a rows×cols float32 matrix, row-major. Either it owns a `Float32Array` on the JS heap
 * (what `Matrix.from`, `forward` and `matmul` return), or it is a live view into a network's
 * arena in WebAssembly memory (`layer.weights`, `layer.bias`, `layer.output`, ...), whose `data`
 * is re-derived whenever linear memory has grown, so it is never a stale, detached view.
 *
 * @module
 */
import type { Backend, Block } from '../backend/heap.js';

/**
 * Anything a public entry point accepts as a matrix: a Matrix or nested arrays of numbers.
 *
 * @example
 * ```ts
 * const a: MatrixLike = [[1, 2], [3, 4]]; matmul(a, Matrix.from([[1], [1]]));
 * ```
 */
export type MatrixLike = Matrix | readonly (readonly number[])[];

interface ViewSource {
  readonly backend: Backend;
  readonly block: Block;
  readonly offset: number;
  readonly what: string;
}

/**
 * A dense float32 matrix.
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
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  private _data: Float32Array;
  private readonly _view: ViewSource | null;
  private _epoch = -1;

  /**
   * A rows×cols matrix over `data` (row-major, taken as is, not copied), or zeros.
   *
   * @example
   * ```ts
   * const m = new Matrix(2, 2, new Float32Array([1, 0, 0, 1]));
   * const z = new Matrix(3, 4); // zeros
   * ```
   */
  constructor(rows: number, cols: number, data?: Float32Array) {
    checkDims('Matrix', rows, cols);
    if (data !== undefined) {
      if (!(data instanceof Float32Array)) throw new Error('Matrix: data must be a Float32Array');
      if (data.length !== rows * cols) {
        throw new Error(`Matrix: data has ${data.length} values, a ${rows}x${cols} matrix needs ${rows * cols}`);
      }
    }
    this.rows = rows;
    this.cols = cols;
    this._data = data ?? new Float32Array(rows * cols);
    this._view = null;
  }

  /** @internal A view into linear memory; use the public constructors instead. */
  static _view(backend: Backend, block: Block, offset: number, rows: number, cols: number, what: string): Matrix {
    const m = Object.create(Matrix.prototype) as Matrix;
    Object.assign(m, { rows, cols, _data: new Float32Array(0), _view: { backend, block, offset, what }, _epoch: -1 });
    return m;
  }

  /**
   * A new matrix from nested arrays (copied), or a copy of another Matrix. Rejects empty, ragged
   * and non-finite input with an Error naming the position.
   *
   * @example
   * ```ts
   * const X = Matrix.from([[0, 0], [0, 1], [1, 0], [1, 1]]); // 4x2
   * ```
   */
  static from(values: MatrixLike): Matrix {
    const m = toMatrix(values, 'Matrix.from', 'values');
    return m === values ? m.clone() : m;
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
   * The values, row-major. For a view into WebAssembly memory this is a live view, re-derived
   * after memory growth; read `.data` again rather than keeping the array across calls.
   *
   * @example
   * ```ts
   * Matrix.from([[1, 2], [3, 4]]).data; // Float32Array [1, 2, 3, 4]
   * ```
   */
  get data(): Float32Array {
    const v = this._view;
    if (v === null) return this._data;
    if (v.block.released) {
      throw new Error(`Matrix: ${v.what} belongs to a network or layer that was disposed`);
    }
    if (this._epoch !== v.backend.epoch || this._data.length !== this.rows * this.cols) {
      this._data = v.backend.f32(v.block.ptr + v.offset, this.rows * this.cols);
      this._epoch = v.backend.epoch;
    }
    return this._data;
  }

  /** @internal Byte address in linear memory of a view, or -1 for a JS-owned matrix. */
  get _ptr(): number {
    const v = this._view;
    return v === null ? -1 : v.block.ptr + v.offset;
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
    return [this.rows, this.cols];
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
    this.checkIndex('Matrix.get', i, j);
    return this.data[i * this.cols + j]!;
  }

  /**
   * Set the element at row i, column j (for a view, this writes into the network's weights).
   *
   * @example
   * ```ts
   * const m = Matrix.zeros(2, 2);
   * m.set(0, 1, 5);
   * ```
   */
  set(i: number, j: number, value: number): void {
    this.checkIndex('Matrix.set', i, j);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`Matrix.set: value must be a finite number, got ${describe(value)}`);
    }
    this.data[i * this.cols + j] = value;
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
    const d = this.data;
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(d.subarray(i * this.cols, (i + 1) * this.cols)));
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
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** A short description: `Matrix(4x2)`. */
  toString(): string {
    return `Matrix(${this.rows}x${this.cols})`;
  }

  private checkIndex(op: string, i: number, j: number): void {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= this.rows || j >= this.cols) {
      throw new Error(`${op}: index (${String(i)}, ${String(j)}) is outside a ${this.rows}x${this.cols} matrix`);
    }
  }
}

/**
 * Describe a bad value for an error message.
 *
 * @internal
 */
export function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `"${v}" (a string)`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `${String(v)} (${typeof v})`;
}

function checkDims(op: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`${op}: rows and cols must be positive integers, got ${describe(rows)}x${describe(cols)}`);
  }
}

/**
 * Validate a matrix argument and return it as a Matrix (the same object when it already is one).
 * Throws `${op}: ${name} ...` for empty, ragged, non-numeric or non-finite input.
 *
 * @internal
 */
export function toMatrix(x: unknown, op: string, name: string): Matrix {
  if (x instanceof Matrix) {
    const d = x.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i]!)) {
        const r = Math.floor(i / x.cols);
        throw new Error(`${op}: ${name}[${r}][${i - r * x.cols}] is ${d[i]}, not a finite number`);
      }
    }
    return x;
  }
  if (!Array.isArray(x)) {
    throw new Error(`${op}: ${name} must be a Matrix or an array of rows (number[][]), got ${describe(x)}`);
  }
  if (x.length === 0) throw new Error(`${op}: ${name} is empty (no rows)`);
  const first: unknown = x[0];
  if (!Array.isArray(first)) {
    throw new Error(`${op}: ${name} must be an array of rows (number[][]); row 0 is ${describe(first)}`);
  }
  const cols = first.length;
  if (cols === 0) throw new Error(`${op}: ${name} is empty (row 0 has no values)`);
  const data = new Float32Array(x.length * cols);
  for (let i = 0; i < x.length; i++) {
    const row: unknown = x[i];
    if (!Array.isArray(row)) throw new Error(`${op}: ${name} row ${i} is ${describe(row)}, not an array`);
    if (row.length !== cols) {
      throw new Error(`${op}: ${name} is ragged: row ${i} has ${row.length} values, row 0 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      const v: unknown = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`${op}: ${name}[${i}][${j}] is ${describe(v)}, not a finite number`);
      }
      data[i * cols + j] = v;
      if (!Number.isFinite(data[i * cols + j]!)) {
        throw new Error(`${op}: ${name}[${i}][${j}] is ${v}, which overflows float32`);
      }
    }
  }
  return new Matrix(x.length, cols, data);
}
