/**
 * Numerics as functions in their own right, on the same kernels the networks use.
 *
 * @module
 */
import { backend } from '../backend/load.js';
import { describe, readOptions } from './validate.js';
import { ownValues, plainMatrix, toMatrix, type Matrix, type MatrixLike } from './matrix.js';
import { readMatrix, withScratch } from './scratch.js';

/**
 * Options of {@link matmul}.
 *
 * @example
 * ```ts
 * matmul([[1, 2], [3, 4]], [[1, 0], [0, 1]], { transposeA: true }); // aᵀ·b
 * ```
 */
export interface MatmulOptions {
  /** Use Aᵀ instead of A. */
  transposeA?: boolean;
  /** Use Bᵀ instead of B. */
  transposeB?: boolean;
  /**
   * Write the product into this Matrix (of the product's shape, owning its values) and return it,
   * instead of a new Matrix: no result is allocated per call (NumPy's `out=`). It may be `a` or
   * `b` itself (the operands are read before it is written).
   */
  out?: Matrix;
}

const MATMUL_OPTION_KEYS = ['transposeA', 'transposeB', 'out'] as const satisfies readonly (keyof MatmulOptions)[];

/**
 * The matrix product `op(A) · op(B)` (NumPy's `a @ b`), computed by the WASM gemm kernel.
 *
 * Arrays of rows are validated as they are converted (empty, ragged, non-numeric or non-finite
 * input is an Error naming the position). A `Matrix` is used as it is, in one copy into WASM
 * memory and one copy of the product out: like NumPy, a NaN or ±Infinity it holds propagates into
 * the result rather than being searched for.
 *
 * @example
 * ```ts
 * import { init, matmul, Matrix } from 'scratchnet';
 * await init();
 * matmul([[1, 2], [3, 4]], [[5], [6]]).toArray();                  // [[17], [39]]
 * matmul([[1, 2], [3, 4]], [[1, 0], [0, 1]], { transposeA: true }).toArray(); // [[1, 3], [2, 4]]
 * const c = Matrix.zeros(2, 1);
 * matmul([[1, 2], [3, 4]], [[5], [6]], { out: c }) === c;         // true; c is [[17], [39]]
 * ```
 */
export function matmul(a: MatrixLike, b: MatrixLike, options: MatmulOptions = {}): Matrix {
  // A Matrix is already a dense float32 matrix of a valid shape: no per-element pass over it.
  // (a subclass of Matrix goes through toMatrix, which reads its true shape and storage)
  const A = plainMatrix(a) ?? toMatrix(a, 'matmul', 'a');
  const B = plainMatrix(b) ?? toMatrix(b, 'matmul', 'b');
  if (options === null || typeof options !== 'object') throw new Error(`matmul: options must be an object, got ${describe(options)}`);
  const o = readOptions('matmul', options, MATMUL_OPTION_KEYS) as MatmulOptions; // each key read once
  const ta = flag(o.transposeA, 'transposeA'), tb = flag(o.transposeB, 'transposeB');
  const [m, k] = ta ? [A.cols, A.rows] : [A.rows, A.cols];
  const [k2, n] = tb ? [B.cols, B.rows] : [B.rows, B.cols];
  if (k !== k2) {
    const sa = `${ta ? 'aᵀ' : 'a'} (${m}x${k})`, sb = `${tb ? 'bᵀ' : 'b'} (${k2}x${n})`;
    throw new Error(`matmul: shapes do not align: ${sa} · ${sb}; inner dimensions ${k} and ${k2} differ`);
  }
  const out = o.out === undefined ? null : outValues(o.out, m, n);
  const be = backend();
  return withScratch(be, 'matmul', [A.data.length, B.data.length, m * n], ([pa, pb, pc]) => {
    be.write(pa!, A.data);
    be.write(pb!, B.data);
    be.kernels.gemm(pc!, pa!, pb!, m, n, k, ta ? 1 : 0, tb ? 1 : 0);
    be.checkThreads('matmul');
    if (out === null) return readMatrix(be, pc!, m, n);
    out.values.set(be.f32(pc!, m * n));
    return out.matrix;
  });
}

/** `options.out` checked before any work: a Matrix of the product's shape that owns its values. */
function outValues(x: unknown, m: number, n: number): { matrix: Matrix; values: Float32Array } {
  let own: ReturnType<typeof ownValues>;
  try {
    own = ownValues(x);
  } catch (e) {
    throw new Error(`matmul: options.out: ${(e as Error).message}`); // its storage was transferred or detached
  }
  if (own === null) {
    throw new Error(`matmul: options.out must be a Matrix that owns its values (not a view into a network, such as layer.weights), got ${describe(x)}`);
  }
  if (own.rows !== m || own.cols !== n) throw new Error(`matmul: options.out is ${own.rows}x${own.cols}, the product is ${m}x${n}`);
  return { matrix: x as Matrix, values: own.values };
}

function flag(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new Error(`matmul: options.${name} must be true or false, got ${describe(v)}`);
  return v;
}
