/**
 * Plain-TypeScript twin of assembly/optimizers.ts.
 *
 * @example
 * ```ts
 * import { sgdUpdate } from 'scratchnet/dist/reference/optimizers.js';
 * const w = new Float32Array([1]);
 * sgdUpdate(w, new Float32Array([2]), 0.1, 1); // w = [0.8]
 * ```
 * @module
 */

/** param -= learningRate · grad. */
export function sgdUpdate(param: Float32Array, grad: Float32Array, learningRate: number, n: number): void {
  for (let i = 0; i < n; i++) param[i] = param[i]! - learningRate * grad[i]!;
}
