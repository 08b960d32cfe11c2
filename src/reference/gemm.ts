/**
 * Plain-TypeScript twin of assembly/gemm.ts: same signature with Float32Arrays in place of
 * pointers, the obvious triple loop with float64 sums. The kernels are tested against it.
 *
 * @example
 * ```ts
 * // src/reference is not in the package's exports; the tests import it
 * const c = new Float32Array(1);
 * gemm(c, new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 1, 2, 0, 0);
 * c; // Float32Array [11]
 * ```
 * @module
 */

/** C = op(A)·op(B); C is m×n, op(A) m×k (A stored k×m when transA), op(B) k×n (B stored n×k when transB). */
export function gemm(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: number, transB: number): void {
  multiply(c, a, b, m, n, k, transA, transB, false);
}

/** C += op(A)·op(B). */
export function gemmAccumulate(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: number, transB: number): void {
  multiply(c, a, b, m, n, k, transA, transB, true);
}

function multiply(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: number, transB: number, acc: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
      }
      c[i * n + j] = acc ? c[i * n + j]! + s : s;
    }
  }
}
