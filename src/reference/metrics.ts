/**
 * Plain-TypeScript twin of assembly/metrics.ts.
 *
 * @example
 * ```ts
 * // src/reference is not in the package's exports; the tests import it
 * const out = new Float64Array(1);
 * accuracyCount(out, new Float32Array([0.9, 0.2]), new Float32Array([1, 1]), 2, 1, 0.5);
 * out[0]; // 1
 * ```
 * @module
 */

/** out[0] = rows classified right (threshold on one column, argmax otherwise; first max wins). */
export function accuracyCount(out: Float64Array, pred: Float32Array, target: Float32Array, rows: number, cols: number, threshold: number): void {
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    if (cols === 1) {
      if ((pred[i]! >= Math.fround(threshold)) === (target[i]! >= 0.5)) correct++;
      continue;
    }
    let bp = 0, bt = 0;
    for (let j = 1; j < cols; j++) {
      if (pred[i * cols + j]! > pred[i * cols + bp]!) bp = j;
      if (target[i * cols + j]! > target[i * cols + bt]!) bt = j;
    }
    if (bp === bt) correct++;
  }
  out[0] = correct;
}
