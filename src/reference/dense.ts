/**
 * Plain-TypeScript twin of assembly/dense.ts: a dense layer's forward pass, z = x·W + b and
 * y = f(z), with the activation chosen by the same ids the kernels use.
 *
 * @example
 * ```ts
 * import { denseForward } from 'scratchnet/dist/reference/dense.js';
 * const z = new Float32Array(1), y = new Float32Array(1);
 * denseForward(z, y, new Float32Array([1, 2]), new Float32Array([3, -4]), new Float32Array([1]), 1, 1, 2, 0, 0);
 * // z = [-4], y = [0] (ReLU)
 * ```
 * @module
 */
import * as act from './activations.js';
import { addBiasRows } from './bias.js';
import { gemm } from './gemm.js';

/** Activation ids, in the kernels' order. */
export const ACTIVATION_IDS = ['relu', 'leakyRelu', 'linear', 'sigmoid', 'tanh', 'softmax'] as const;

/** z = x·W + b; y = f(z) for activation `id`. */
export function denseForward(
  z: Float32Array, y: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array,
  rows: number, out: number, inp: number, id: number, alpha: number,
): void {
  gemm(z, x, w, rows, out, inp, 0, 0);
  addBiasRows(z, z, b, rows, out);
  const forward = (act as unknown as Record<string, (o: Float32Array, x: Float32Array, r: number, c: number, a: number) => void>)[
    `${ACTIVATION_IDS[id]}Forward`
  ]!;
  forward(y, z, rows, out, alpha);
}
