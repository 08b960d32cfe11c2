/**
 * Plain-TypeScript twin of assembly/bias.ts.
 *
 * @example
 * ```ts
 * // src/reference is not in the package's exports; the tests import it
 * const out = new Float32Array(2);
 * sumColumns(out, new Float32Array([1, 2, 3, 4]), 2, 2);
 * out; // Float32Array [4, 6]
 * ```
 * @module
 */

/** out[i, j] = x[i, j] + bias[j]. */
export function addBiasRows(out: Float32Array, x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = x[i * cols + j]! + bias[j]!;
}

/** out[j] = Σ_i x[i, j]. */
export function sumColumns(out: Float32Array, x: Float32Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += x[i * cols + j]!;
    out[j] = s;
  }
}

/** out row r = src row index[r]. */
export function gatherRows(out: Float32Array, src: Float32Array, index: Int32Array, count: number, cols: number): void {
  for (let r = 0; r < count; r++) out.set(src.subarray(index[r]! * cols, (index[r]! + 1) * cols), r * cols);
}
